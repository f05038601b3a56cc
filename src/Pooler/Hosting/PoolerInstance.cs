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

    /// <summary>Loop thread: start accepting on <paramref name="listener"/>; <paramref name="accepted"/> runs for each
    /// client before its session starts.</summary>
    internal void AddListener(IoListener listener, Action? accepted = null)
    {
        _listeners.Add(listener);
        _acceptLoops.Add(AcceptLoopAsync(listener, accepted));
    }

    private Task AcceptLoopAsync(IoListener listener, Action? accepted) =>
        ClientAcceptLoop.RunAsync(listener, _log, () => Runtime.ShuttingDown || Runtime.Draining, conn =>
        {
            accepted?.Invoke();
            _ = new ClientSession(Runtime, conn).RunAsync();
        });

    /// <summary>
    /// Stop: close the listeners, end every session with 57P01 (servers are released and closed with Terminate),
    /// wait up to shutdown_timeout for them, then stop the loop.
    /// </summary>
    public Task StopAsync() => StopAsync(graceful: false);

    /// <summary>
    /// Stop. <paramref name="graceful"/> (SIGTERM): first let open transactions finish, up to shutdown_timeout,
    /// ending each session once it is outside a transaction; then (or at once when not graceful) as above.
    /// </summary>
    public async Task StopAsync(bool graceful)
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
                if (graceful)
                {
                    Runtime.BeginDrain();
                    var drained = Runtime.AllSessionsEnded;
                    if (timeout > TimeSpan.Zero)
                        await Task.WhenAny(drained, Task.Delay(timeout, Engine.TimeProvider));
                    else
                        await drained;
                    if (!drained.IsCompleted)
                        _log.Information("shutdown_timeout passed with {Count} session(s) still busy; closing them", Runtime.Sessions.Count);
                }
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
        await StopAdminServicesAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Worker, loop thread: start a session on a socket the supervisor passed, with the bytes it already read.</summary>
    internal void AdoptClient(int fd, ReadOnlyMemory<byte> alreadyRead)
    {
        if (Runtime.ShuttingDown || Runtime.Draining)
        {
            IoEngine.CloseFd(fd);
            return;
        }
        var conn = Engine.Adopt(fd, alreadyRead); // a fresh array per channel message: no copy needed
        _ = new ClientSession(Runtime, conn).RunAsync();
    }
}
