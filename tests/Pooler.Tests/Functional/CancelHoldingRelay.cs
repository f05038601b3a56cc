// A TCP relay in front of PostgreSQL that passes every connection through, except that it holds CancelRequests
// until the test releases them: a cancel that is "on its way" for as long as a test needs.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Pooler.Tests.Functional;

internal sealed class CancelHoldingRelay : IAsyncDisposable
{
    private const int CancelRequestCode = 80877102;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;

    private CancelHoldingRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static CancelHoldingRelay Start(int targetPort) => new(targetPort);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when the first CancelRequest has arrived (and is being held).</summary>
    public Task CancelArrived => _cancelArrived.Task;

    /// <summary>Let held (and later) CancelRequests through to PostgreSQL.</summary>
    public void Release() => _release.TrySetResult();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _client = client;
        using var server = new TcpClient();
        try
        {
            var fromClient = client.GetStream();
            var head = new byte[8];
            await fromClient.ReadExactlyAsync(head, _stop.Token);
            var isCancel = BinaryPrimitives.ReadInt32BigEndian(head) == 16 && BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(4)) == CancelRequestCode;
            var rest = isCancel ? new byte[8] : [];
            if (isCancel)
            {
                await fromClient.ReadExactlyAsync(rest, _stop.Token);
                _cancelArrived.TrySetResult();
                await _release.Task.WaitAsync(_stop.Token);
            }
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var toServer = server.GetStream();
            await toServer.WriteAsync(head, _stop.Token);
            await toServer.WriteAsync(rest, _stop.Token);
            var up = fromClient.CopyToAsync(toServer, _stop.Token);
            var down = toServer.CopyToAsync(fromClient, _stop.Token);
            // PostgreSQL closes a cancel connection once it has handled it; either side closing ends the relay.
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or EndOfStreamException or ObjectDisposedException)
        {
            // The other side went away: close both.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
    }
}
