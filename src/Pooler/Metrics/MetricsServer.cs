// The Prometheus endpoint on metrics_port: a minimal HTTP/1.1 responder for GET /metrics.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pooler.Management;
using Serilog;

namespace Pooler.Metrics;

/// <summary>
/// Hand-written rather than prometheus-net: every figure already lives in the admin snapshot, which is built on the
/// loop thread only when a scrape asks, so the pooler keeps no metric objects on its hot path and runs no collector
/// timers (prometheus-net's default registry and HTTP listener would add both). One request per connection.
/// </summary>
internal sealed class MetricsServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IAdminBackend _backend;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    private MetricsServer(Socket listener, IAdminBackend backend, ILogger log)
    {
        _listener = listener;
        _backend = backend;
        _log = log;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public EndPoint LocalEndPoint => _listener.LocalEndPoint!;

    public static MetricsServer Start(IPEndPoint endPoint, IAdminBackend backend, ILogger log)
    {
        var listener = SocketAcceptLoop.ListenTcp(endPoint);
        log.Information("metrics on http://{EndPoint}/metrics", listener.LocalEndPoint);
        return new MetricsServer(listener, backend, log);
    }

    private Task AcceptLoopAsync() => SocketAcceptLoop.RunAsync(_listener, _stop.Token, ServeAsync);

    private async Task ServeAsync(Socket peer)
    {
        await using var stream = new NetworkStream(peer, ownsSocket: true);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var request = await ReadHeadAsync(stream, timeout.Token);
            var line = request?.Split("\r\n", 2)[0].Split(' ') ?? [];
            string status, type, body;
            if (line.Length < 2 || line[0] != "GET")
                (status, type, body) = ("405 Method Not Allowed", "text/plain", "GET /metrics\n");
            else if (line[1] is not ("/metrics" or "/"))
                (status, type, body) = ("404 Not Found", "text/plain", "GET /metrics\n");
            else
                (status, type, body) = ("200 OK", "text/plain; version=0.0.4; charset=utf-8", MetricsWriter.Render(await _backend.GetSnapshotAsync()));
            var payload = Encoding.UTF8.GetBytes(body);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head, timeout.Token);
            await stream.WriteAsync(payload, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _log.Debug("metrics request ended: {Reason}", ex.Message);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "metrics request failed");
        }
    }

    // The request head (up to the blank line); the body of a GET is ignored. Null on EOF or an oversized head.
    private static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var got = 0;
        while (got < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(got), ct);
            if (n == 0)
                return null;
            got += n;
            var text = Encoding.ASCII.GetString(buffer, 0, got);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal) || text.Contains("\n\n", StringComparison.Ordinal))
                return text;
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex)
        {
            _log.Debug(ex, "metrics accept loop ended with an error");
        }
    }
}
