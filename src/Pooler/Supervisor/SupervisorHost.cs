// The supervisor (workers > 0): binds the listeners, hands each accepted client to a worker process, restarts
// workers that die, owns the shared memory, and turns signals into messages to the workers.
using Pooler.Config;
using Pooler.Hosting;
using Pooler.Io;
using Pooler.Pools;
using Pooler.Shared;
using Pooler.Workers;
using Serilog;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    private readonly ILogger _log;
    private readonly IoEngine _engine;
    private readonly SharedState _shared;
    private readonly SharedStatsTable _stats;
    private readonly WorkerProcess[] _workers;
    private readonly WorkerChooser _chooser = new();
    // Hand-offs leave the supervisor holding nothing per client, but their garbage grows its heap: given back after a burst.
    private readonly BurstCollector _collector;
    private readonly List<IoListener> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private PoolerConfig _config;
    private bool _stopping;
    private CancellationTokenSource? _stopRequest;
    private bool? _gracefulRequest;

    /// <summary>The admin SHUTDOWN command (from whichever worker the admin client is on).</summary>
    private void RequestStop(bool graceful)
    {
        _log.Information("admin: shutdown requested ({Kind})", graceful ? "graceful" : "fast");
        _gracefulRequest ??= graceful;
        _stopRequest?.Cancel();
    }

    private SupervisorHost(PoolerConfig config, ILogger log, int workers)
    {
        _config = config;
        _log = log;
        // Raw accept4 and recv on readiness: the fds we pass on must never have been seen by .NET's socket engine.
        _engine = IoEngine.Create(EvBackend.Epoll);
        _collector = new BurstCollector(_engine.TimeProvider);
        var dir = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _shared = SharedState.Create(Path.Combine(dir, $"pooler-{Environment.ProcessId}-{Guid.NewGuid():N}.shm"));
        _stats = new SharedStatsTable(_shared);
        _workers = Enumerable.Range(0, workers).Select(i => new WorkerProcess(i)).ToArray();
    }

    /// <summary>Run until <paramref name="ct"/> is cancelled; <paramref name="graceful"/> tells how to stop then.</summary>
    public static async Task RunAsync(PoolerConfig config, ILogger log, Func<bool> graceful, CancellationToken ct)
    {
        if (config.SourcePath is null)
            throw new InvalidOperationException("workers > 0 needs a configuration file (workers read it themselves)");
        config = config with { SourcePath = Path.GetFullPath(config.SourcePath) };
        var count = config.Pooler.Workers;
        if (count > SharedLayout.MaxWorkers)
        {
            log.Warning("workers = {Workers} is more than {Max}; starting {Max}", count, SharedLayout.MaxWorkers);
            count = SharedLayout.MaxWorkers;
        }
        var host = new SupervisorHost(config, log, count);
        await host.StartAsync();
        host.StartAdminServices();
        using var current = PoolerHost.SetCurrent(host.ReloadAsync);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        host._stopRequest = stop;
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The normal way to stop.
        }
        await host.StopAsync(host._gracefulRequest ?? graceful());
    }

    private async Task StartAsync()
    {
        _log.Information("supervisor {Pid}: starting {Count} worker(s), shared memory {Path}", Environment.ProcessId,
            _workers.Length, _shared.Path);
        _engine.Start();
        await _engine.RunAsync(() =>
        {
            if (WorkersAccept)
                OpenWorkerSockets();
            foreach (var worker in _workers)
                StartWorker(worker);
            foreach (var listener in PoolerHost.OpenListeners(_engine, _config.Pooler, _log, tcp: !WorkersAccept))
            {
                _listeners.Add(listener);
                _acceptLoops.Add(AcceptLoopAsync(listener));
            }
            _engine.OnSignal(System.Runtime.InteropServices.PosixSignal.SIGHUP, () =>
            {
                _log.Information("SIGHUP: reloading the configuration");
                _ = ReloadAsync();
            });
            return Task.CompletedTask;
        });
    }

    private WorkerArgs ArgsFor(int id, int fd) =>
        new(_config.SourcePath!, fd, id, Environment.ProcessId, _shared.Path);

    private void StartWorker(WorkerProcess worker)
    {
        try
        {
            _shared.ResetEnded(worker.Id);
            worker.Handed = 0;
            worker.Start(_engine, fd => ArgsFor(worker.Id, fd));
            SendManagedState(worker);
            SendServerParameters(worker);
            PassWorkerSockets(worker);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            _log.Error(ex, "worker {Id}: cannot start", worker.Id);
            OnWorkerGone(worker, null);
            return;
        }
        var process = worker.Process!;
        var link = worker.Link!;
        _log.Information("worker {Id} started (pid {Pid})", worker.Id, process.Id);
        _ = WorkerReceiveLoopAsync(worker, link);
        _ = process.WaitForExitAsync().ContinueWith(_ => _engine.Post(static s =>
        {
            var (host, w, l) = ((SupervisorHost, WorkerProcess, WorkerLink))s!;
            host.OnWorkerGone(w, l);
        }, (this, worker, link)), TaskScheduler.Default);
    }

    /// <summary>Messages from a worker: ready, and wake-ups / evictions to forward to the workers they name.</summary>
    private async Task WorkerReceiveLoopAsync(WorkerProcess worker, WorkerLink link)
    {
        while (true)
        {
            var message = await link.ReceiveAsync();
            if (message.Status != FdReceiveStatus.Received)
            {
                if (message.Status is FdReceiveStatus.Closed or FdReceiveStatus.Failed)
                {
                    // Through the loop's queue like the exit watcher: the two notices of one death then run one after
                    // the other on the loop thread, so the link check counts the death once (a CI run saw one death
                    // counted twice, restarting at 20 ms and again at 40 ms without a start in between).
                    _engine.Post(static s =>
                    {
                        var (host, w, l) = ((SupervisorHost, WorkerProcess, WorkerLink))s!;
                        host.OnWorkerGone(w, l);
                    }, (this, worker, link));
                    return;
                }
                continue;
            }
            if (message.Fd >= 0)
                IoEngine.CloseFd(message.Fd);
            var payload = message.Payload;
            if (payload.Length == 0)
                continue;
            switch ((WorkerMessage)payload.Span[0])
            {
                case WorkerMessage.Ready:
                    worker.Ready = true;
                    StopStandIn(worker.Id);
                    _log.Information("worker {Id} is ready for clients", worker.Id);
                    break;
                case WorkerMessage.Wake when payload.Length >= 9:
                    Forward(BitConverter.ToInt64(payload.Span[1..9]), WorkerMessage.Wake, default);
                    break;
                case WorkerMessage.Evict when payload.Length >= 9:
                    Forward(BitConverter.ToInt64(payload.Span[1..9]), WorkerMessage.Evict, payload[9..]);
                    break;
                case WorkerMessage.Cancel when payload.Length >= 5:
                    ForwardCancel(payload[1..]);
                    break;
                case WorkerMessage.ServerParameters:
                    ShareServerParameters(worker, payload[1..]);
                    break;
                case WorkerMessage.ReloadAll:
                    _ = ReloadAsync();
                    break;
                case WorkerMessage.ShutdownAll:
                    RequestStop(payload.Length < 2 || payload.Span[1] != 0);
                    break;
                case WorkerMessage.Snapshot when payload.Length >= 5:
                    FanOutSnapshot(BitConverter.ToInt32(payload.Span[1..]), worker);
                    break;
                case WorkerMessage.SnapshotPart when payload.Length >= 7:
                    ForwardPart(payload[1..].ToArray(), worker.Id);
                    break;
                case WorkerMessage.AdminCommand when payload.Length >= 5:
                    _ = AnswerWorkerCommandAsync(worker, payload[1..]);
                    break;
                case WorkerMessage.AdminResult:
                    OnWorkerCommandResult(worker.Id, payload.Span[1..]);
                    break;
            }
        }
    }

    /// <summary>An admin client on <paramref name="origin"/> wants the whole picture: ask every live worker.</summary>
    private void FanOutSnapshot(int id, WorkerProcess origin)
    {
        var asked = _workers.Where(w => w.Alive && w.Ready).ToList();
        var count = new byte[8];
        BitConverter.TryWriteBytes(count, id);
        BitConverter.TryWriteBytes(count.AsSpan(4), asked.Count);
        _ = origin.Link!.SendAsync(WorkerMessage.SnapshotCount, count);
        var request = new byte[5];
        BitConverter.TryWriteBytes(request, id);
        request[4] = (byte)origin.Id;
        foreach (var w in asked)
            _ = w.Link!.SendAsync(WorkerMessage.Snapshot, request);
    }

    /// <summary>A piece of a worker's snapshot: to the origin it names, marked with its source.</summary>
    private void ForwardPart(byte[] part, int source)
    {
        var origin = part[4];
        if (origin == SupervisorOrigin)
        {
            OnSupervisorSnapshotPart(part, source);
            return;
        }
        if (origin >= _workers.Length || !_workers[origin].Alive)
            return;
        part[4] = (byte)source;
        _ = _workers[origin].Link!.SendAsync(WorkerMessage.SnapshotPart, part);
    }

    private void Forward(long mask, WorkerMessage kind, ReadOnlyMemory<byte> payload)
    {
        foreach (var worker in _workers)
        {
            if ((mask & (1L << worker.Id)) != 0 && worker.Alive)
                _ = worker.Link!.SendAsync(kind, payload);
        }
    }

    /// <summary>
    /// A worker's process exited or its channel closed (whichever is seen first; the second is ignored): give
    /// back its shared slots, wake whoever waited for them, and restart it after a back-off.
    /// </summary>
    private void OnWorkerGone(WorkerProcess worker, WorkerLink? link)
    {
        if (link is not null && worker.Link != link)
            return;
        if (_stopping && worker.Process is { HasExited: false })
            return; // a stopping worker closes its channel first; its exit comes next and is waited for
        var exitCode = worker.Process is { HasExited: true } p ? p.ExitCode : (int?)null;
        worker.Reset();
        OnAdminWorkerGone(worker.Id);
        _chooser.Forget(worker.Id);
        var wake = _shared.ReclaimWorker(worker.Id);
        _shared.SetWorker(worker.Id, 0);
        if (wake != 0)
            Forward(wake, WorkerMessage.Wake, default);
        StartStandIn(worker.Id); // its socket keeps receiving clients: accept them here until it is back
        if (_stopping)
        {
            _log.Information("worker {Id} exited ({Code})", worker.Id, exitCode);
            CheckAllStopped();
            return;
        }
        var (delay, storm) = worker.Backoff.OnDeath(_engine.TimeProvider.GetUtcNow());
        if (storm)
            _log.Error("worker {Id} keeps dying (more than {Limit} times in {Window}); next restart in {Delay}",
                worker.Id, worker.Backoff.StormLimit, RestartBackoff.Window, delay);
        else
            _log.Warning("worker {Id} died (exit {Code}); its clients lost their connections; restarting in {Delay}",
                worker.Id, exitCode, delay);
        _ = RestartLaterAsync(worker, delay);
    }

    private async Task RestartLaterAsync(WorkerProcess worker, TimeSpan delay)
    {
        await Task.Delay(delay, _engine.TimeProvider);
        if (!_stopping && !worker.Alive)
            StartWorker(worker);
    }

    /// <summary>Clients per worker from shared memory; -1 for a worker that cannot take clients now.</summary>
    private int[] Loads()
    {
        var loads = new int[_workers.Length];
        var anyReady = _workers.Any(w => w.Alive && w.Ready);
        for (var i = 0; i < loads.Length; i++)
        {
            var w = _workers[i];
            loads[i] = w.Alive && (w.Ready || !anyReady) ? Math.Max(0, w.Handed + _shared.AcceptedOf(i) - _shared.EndedOf(i)) : -1;
        }
        return loads;
    }
}
