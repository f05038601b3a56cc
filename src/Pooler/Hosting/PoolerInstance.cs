// A running single-process pooler: its engine, listeners and accept loops; stopped by StopAsync.
using System.Net;
using Pooler.Clients;
using Pooler.Io;
using Serilog;

namespace Pooler.Hosting;

/// <summary>The handle PoolerHost returns; tests use it to find the bound endpoints and to stop the pooler.</summary>
internal sealed partial class PoolerInstance : IAsyncDisposable
{
    private readonly List<IoListener> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ILogger _log;
    private int _stopped;

    public PoolerInstance(IoEngine engine, PoolerRuntime runtime, ILogger log)
    {
        Engine = engine;
        Runtime = runtime;
        _log = log;
    }

    public IoEngine Engine { get; }

    public PoolerRuntime Runtime { get; }

    public IReadOnlyList<EndPoint> EndPoints => _listeners.Select(l => l.LocalEndPoint).ToList();

    /// <summary>Loop thread: start accepting on <paramref name="listener"/>.</summary>
    internal void AddListener(IoListener listener)
    {
        _listeners.Add(listener);
        _acceptLoops.Add(AcceptLoopAsync(listener));
    }

    private async Task AcceptLoopAsync(IoListener listener)
    {
        while (true)
        {
            IoConnection? conn;
            try
            {
                conn = await listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                break;
            }
            catch (Exception ex)
            {
                _log.Error(ex, "accept on {EndPoint} failed", listener.LocalEndPoint);
                continue;
            }
            if (conn is null)
                break;
            if (Runtime.ShuttingDown)
            {
                conn.Abort(ShutdownKind.Aborted);
                continue;
            }
            _ = new ClientSession(Runtime, conn).RunAsync();
        }
    }

    /// <summary>
    /// Stop: close the listeners, end every session with 57P01 (servers are released and closed with Terminate),
    /// wait up to shutdown_timeout for them, then stop the loop.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
            return;
        var timeout = Runtime.Options.ShutdownTimeout;
        try
        {
            await Engine.RunAsync(async () =>
            {
                foreach (var listener in _listeners)
                    listener.Dispose();
                Runtime.BeginShutdown();
                var ended = Runtime.AllSessionsEnded;
                if (timeout > TimeSpan.Zero)
                    await Task.WhenAny(ended, Task.Delay(timeout, Engine.TimeProvider));
                else
                    await ended;
                await Task.WhenAll(_acceptLoops);
            });
        }
        catch (Exception ex)
        {
            _log.Warning(ex, "error during shutdown");
        }
        Engine.Dispose();
        _log.Information("pooler stopped");
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
