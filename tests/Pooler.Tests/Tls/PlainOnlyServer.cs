// A scripted stand-in for a PostgreSQL without TLS: answers every SSLRequest with 'N' and then waits.
using System.Net;
using System.Net.Sockets;

namespace Pooler.Tests.Tls;

internal sealed class PlainOnlyServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public PlainOnlyServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>SSLRequests seen so far.</summary>
    public int SslRequests;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(socket);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var request = new byte[8];
            var got = 0;
            while (got < 8)
            {
                var n = await socket.ReceiveAsync(request.AsMemory(got), _stop.Token);
                if (n == 0)
                    return;
                got += n;
            }
            Interlocked.Increment(ref SslRequests);
            await socket.SendAsync(new[] { (byte)'N' }, _stop.Token);
            // The pooler must hang up by itself (require): wait for its FIN.
            await socket.ReceiveAsync(new byte[256], _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
