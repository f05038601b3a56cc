// The accept loop of the management socket and the metrics endpoint: serve each peer until the listener closes or
// the server stops.
using System.Net.Sockets;

namespace Pooler.Management;

internal static class SocketAcceptLoop
{
    public static async Task RunAsync(Socket listener, CancellationToken stop, Func<Socket, Task> serve)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = await listener.AcceptAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            _ = serve(peer);
        }
    }
}
