// Runs the pooler in one process (workers = 0): engine, listeners, accept loops, warm pools, clean shutdown.
using System.Net;
using System.Net.Sockets;
using Pooler.Config;
using Pooler.Io;
using Serilog;

namespace Pooler.Hosting;

public static class PoolerHost
{
    /// <summary>Run until <paramref name="ct"/> is cancelled, then shut down cleanly.</summary>
    public static async Task RunAsync(PoolerConfig config, ILogger log, CancellationToken ct)
    {
        if (config.Pooler.Workers > 0)
        {
            await Supervisor.SupervisorHost.RunAsync(config, log, () => GracefulStopRequested, ct);
            return;
        }
        var instance = await StartAsync(config, log);
        using var current = SetCurrent(() => instance.ReloadAsync());
        using var hup = instance.Engine.OnSignal(System.Runtime.InteropServices.PosixSignal.SIGHUP, () =>
        {
            log.Information("SIGHUP: reloading the configuration");
            _ = instance.ReloadAsync();
        });
        try
        {
            // SHUTDOWN from the admin console or the CLI stops the instance itself.
            await Task.WhenAny(Task.Delay(Timeout.Infinite, ct), instance.Stopped);
        }
        catch (OperationCanceledException)
        {
            // The normal way to stop.
        }
        if (instance.Stopped.IsCompleted)
            return;
        log.Information("shutting down");
        await instance.StopAsync(GracefulStopRequested);
    }

    private static Func<Task<ReloadResult>>? s_reload;
    private static volatile bool s_graceful;

    /// <summary>Set before cancelling RunAsync's token when the stop should let transactions finish (SIGTERM);
    /// SIGINT and other cancellations stop at once.</summary>
    public static bool GracefulStopRequested
    {
        get => s_graceful;
        set => s_graceful = value;
    }

    /// <summary>
    /// Reload the pooler running in this process (what SIGHUP does; the management RELOAD command calls this):
    /// re-read its configuration file, validate it, and apply it everywhere; on errors the old one stays in force.
    /// </summary>
    public static Task<ReloadResult> ReloadAsync() =>
        Volatile.Read(ref s_reload) is { } reload ? reload() : Task.FromResult(ReloadResult.Of(ReloadStatus.NotRunning));

    /// <summary>Make <paramref name="reload"/> what <see cref="ReloadAsync"/> runs until the returned handle is disposed.</summary>
    internal static IDisposable SetCurrent(Func<Task<ReloadResult>> reload)
    {
        Volatile.Write(ref s_reload, reload);
        return new CurrentReload(reload);
    }

    private sealed class CurrentReload(Func<Task<ReloadResult>> reload) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref s_reload, null, reload);
    }

    /// <summary>Start listening and return the running instance (tests use the handle to stop it).</summary>
    internal static async Task<PoolerInstance> StartAsync(PoolerConfig config, ILogger log, Func<string, string?>? authFileSecret = null)
    {
        var options = config.Pooler;
        var engine = IoEngine.Create(ToBackend(options.EvBackend));
        log.Information("event backend {Backend} ({Reason})", engine.BackendName, engine.ChoiceReason);
        engine.Start();
        var runtime = new PoolerRuntime(engine, config, log, workerId: 0, authFileSecret);
        var instance = new PoolerInstance(engine, runtime, log);
        try
        {
            await engine.RunAsync(() =>
            {
                foreach (var listener in OpenListeners(engine, options, log))
                    instance.AddListener(listener);
                runtime.Directory.WarmForcedUserPools();
                return Task.CompletedTask;
            });
            instance.StartAdminServices();
        }
        catch
        {
            await instance.StopAsync();
            throw;
        }
        return instance;
    }

    /// <summary>tcp_defer_accept's TCP_DEFER_ACCEPT value, PgBouncer's fixed one: how long the kernel holds a
    /// connection that has sent nothing yet.</summary>
    internal const int DeferAcceptSeconds = 45;

    /// <summary>Loop thread: bind every listen_addr (unless <paramref name="tcp"/> is false: the workers accept TCP
    /// clients themselves) and the Unix socket (if unix_socket_dir is set).</summary>
    internal static IEnumerable<IoListener> OpenListeners(IoEngine engine, PoolerOptions options, ILogger log, bool tcp = true)
    {
        var listeners = new List<IoListener>();
        foreach (var endPoint in tcp ? ListenEndPoints(options) : [])
        {
            var listener = engine.Listen(endPoint);
            listeners.Add(listener);
            var deferred = options.TcpDeferAccept && listener.TrySetDeferAccept(DeferAcceptSeconds);
            log.Information("listening on {EndPoint}{Deferred}", endPoint, deferred ? " (tcp_defer_accept)" : "");
        }
        if (!string.IsNullOrEmpty(options.UnixSocketDir))
        {
            var path = Path.Combine(options.UnixSocketDir, $".s.PGSQL.{options.ListenPort}");
            // A socket file left by a killed pooler would make bind fail; the engine replaces it.
            listeners.Add(engine.Listen(new UnixDomainSocketEndPoint(path)));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, options.UnixSocketMode);
            log.Information("listening on unix:{Path}", path);
        }
        return listeners;
    }

    internal static EvBackend ToBackend(EventBackendKind kind) => kind switch
    {
        EventBackendKind.IoUring => EvBackend.IoUring,
        EventBackendKind.Epoll => EvBackend.Epoll,
        EventBackendKind.Portable => EvBackend.Portable,
        _ => EvBackend.Auto,
    };

    internal static IEnumerable<EndPoint> ListenEndPoints(PoolerOptions options)
    {
        foreach (var addr in options.ListenAddr)
        {
            if (addr == "*")
            {
                yield return new IPEndPoint(IPAddress.Any, options.ListenPort);
                continue;
            }
            if (IPAddress.TryParse(addr, out var ip))
            {
                yield return new IPEndPoint(ip, options.ListenPort);
                continue;
            }
            foreach (var resolved in Dns.GetHostAddresses(addr))
                yield return new IPEndPoint(resolved, options.ListenPort);
        }
    }
}
