// The accept loop of the management socket and the metrics endpoint: serve each peer until the listener closes or
// the server stops.
using System.Net.Sockets;

namespace Pooler.Management;

internal static class SocketAcceptLoop
{
    /// <summary>A bound, listening TCP socket (SO_REUSEADDR, backlog 16) for a small admin-side service.</summary>
    public static Socket ListenTcp(System.Net.IPEndPoint endPoint)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return listener;
    }

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
