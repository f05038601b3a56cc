// A worker process: one event loop with its sessions and pools, fed client sockets by the supervisor.
using System.Runtime.InteropServices;
using Pooler.Config;
using Pooler.Hosting;
using Pooler.Io;
using Pooler.Pools;
using Pooler.Shared;
using Serilog;

namespace Pooler.Workers;

/// <summary>
/// Runs until the supervisor says stop, the channel closes, or the supervisor dies (pidfd in the loop: the worker
/// exits at once, so no orphan keeps server connections). Signals sent to the whole process group are handled
/// like the supervisor's messages (SIGTERM graceful, SIGINT fast, SIGHUP reload).
/// </summary>
internal sealed class WorkerHost
{
    private readonly WorkerArgs _args;
    private readonly ILogger _log;
    private readonly TaskCompletionSource<bool> _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PoolerInstance? _instance;
    private SharedState? _shared;
    private WorkerLink? _link;
    private WorkerAdminBackend? _admin;

    public WorkerHost(WorkerArgs args, ILogger log)
    {
        _args = args;
        _log = log;
    }

    /// <summary>Returns the exit code: 0 after a stop the supervisor asked for, 3 when it vanished.</summary>
    public async Task<int> RunAsync(PoolerConfig config)
    {
        if (ExitsAtStart(_args.Id))
        {
            _log.Error("worker {Id}: exiting at start ({Variable} names it)", _args.Id, ExitAtStartVariable);
            return 1;
        }
        // Not disposed: pools' statistics rows point into the mapping, and the loop may still count into them while
        // the process ends; the kernel unmaps it at exit.
        var shared = SharedState.Open(_args.SharedPath);
        var stats = new SharedStatsTable(shared);
        var engine = IoEngine.Create(PoolerHost.ToBackend(config.Pooler.EvBackend));
        engine.Start();
        var link = new WorkerLink(engine.OpenFdChannel(_args.ChannelFd));
        _link = link;
        var counters = new SharedConnectionCounters(shared, _args.Id,
            wake: mask => _ = link.SendAsync(WorkerMessage.Wake, WorkerLink.Mask(mask)),
            evict: (mask, key) => _ = link.SendAsync(WorkerMessage.Evict, WorkerLink.Mask(mask, key)));
        var runtime = new PoolerRuntime(engine, config, _log, _args.Id, authFileSecret: null, counters,
            statsFactory: key => StatsOf(stats, key));
        runtime.SessionEnded = () => shared.AddEnded(_args.Id);
        runtime.CancelElsewhere = (processId, secret) =>
        {
            var payload = new byte[4 + secret.Length];
            BitConverter.TryWriteBytes(payload, processId);
            secret.CopyTo(payload, 4);
            _ = link.SendAsync(WorkerMessage.Cancel, payload);
        };
        runtime.Manager.ServerParametersLearned = (key, parameters) =>
            _ = link.SendAsync(WorkerMessage.ServerParameters, ServerParametersMessage.Encode(key, parameters));
        _shared = shared;
        var local = new Management.LocalAdminBackend(runtime)
        {
            // RELOAD and SHUTDOWN from an admin client act on the whole tree: the supervisor does them.
            Reload = async () =>
            {
                var sent = await link.SendAsync(WorkerMessage.ReloadAll);
                return sent == FdSendStatus.Sent
                    ? Management.AdminResult.Ok("reload requested; every worker re-reads the configuration")
                    : Management.AdminResult.Error(Management.AdminOutcome.Failed, "reload.unavailable", "supervisor unreachable");
            },
            Shutdown = command => link.SendAsync(WorkerMessage.ShutdownAll, new[] { command.Graceful ? (byte)1 : (byte)0 }),
        };
        _admin = new WorkerAdminBackend(local, link, runtime, stats);
        runtime.Admin = _admin;
        var instance = new PoolerInstance(engine, runtime, _log);
        _instance = instance;
        await engine.RunAsync(() =>
        {
            engine.WatchParentDeath(OnSupervisorGone, _args.SupervisorPid);
            engine.OnSignal(PosixSignal.SIGTERM, () => _stop.TrySetResult(true));
            engine.OnSignal(PosixSignal.SIGINT, () => _stop.TrySetResult(false));
            engine.OnSignal(PosixSignal.SIGHUP, () => _ = instance.ReloadAsync());
            shared.SetWorker(_args.Id, Environment.ProcessId);
            runtime.Directory.WarmForcedUserPools();
            _ = ReceiveLoopAsync(link);
            _ = link.SendAsync(WorkerMessage.Ready);
            return Task.CompletedTask;
        });
        _log.Information("worker {Id} running (pid {Pid})", _args.Id, Environment.ProcessId);
        var graceful = await _stop.Task;
        await instance.StopAsync(graceful);
        shared.SetWorker(_args.Id, 0);
        return ExitCode;
    }

    private int ExitCode { get; set; }

    private bool _statsFullLogged;

    /// <summary>Loop thread: a new pool's counters, in this worker's shared row for it (the old counts, after a
    /// restart); process-local once every row is taken, which then shows only while this worker lives.</summary>
    private Stats.PoolStats StatsOf(SharedStatsTable table, PoolKey key)
    {
        if (table.TryClaim(_args.Id, key.Database, key.User, out var row))
            return new Stats.PoolStats(row);
        if (!_statsFullLogged)
        {
            _statsFullLogged = true;
            _log.Warning("worker {Id}: all {Rows} shared statistics rows are taken; pool {Database}/{User} and later ones " +
                "count in this process only (lost if it dies)", _args.Id, SharedLayout.StatsRows, key.Database, key.User);
        }
        return new Stats.PoolStats();
    }

    /// <summary>Test hook (environment): a comma-separated list of worker ids that exit with code 1 as soon as they
    /// start, so the supervisor's restart back-off and storm cap can be tested on the real executable.</summary>
    public const string ExitAtStartVariable = "POOLER_TEST_WORKER_EXIT_AT_START";

    private static bool ExitsAtStart(int id) =>
        Environment.GetEnvironmentVariable(ExitAtStartVariable)?.Split(',')
            .Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) == true;

    private void OnSupervisorGone()
    {
        // Nothing to hand over to: end now. The kernel closes every socket, so servers see EOF and clients a reset.
        _log.Warning("worker {Id}: supervisor is gone; exiting", _args.Id);
        Pooler.Io.ProcessExit.Now(3); // at once: Environment.Exit runs shutdown handlers, slow on a loaded machine
    }

    private async Task ReceiveLoopAsync(WorkerLink link)
    {
        while (true)
        {
            FdMessage message;
            try
            {
                message = await link.ReceiveAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            if (message.Status != FdReceiveStatus.Received || message.Payload.Length == 0)
            {
                if (message.Status is FdReceiveStatus.Closed or FdReceiveStatus.Failed)
                {
                    if (_stop.Task.IsCompleted)
                        return; // our own stop closed it
                    _log.Warning("worker {Id}: channel to the supervisor closed ({Status}); stopping", _args.Id, message.Status);
                    ExitCode = 3;
                    _stop.TrySetResult(false);
                    return;
                }
                continue;
            }
            Handle((WorkerMessage)message.Payload.Span[0], message.Payload[1..], message.Fd);
        }
    }

    private void Handle(WorkerMessage kind, ReadOnlyMemory<byte> payload, int fd)
    {
        var instance = _instance!;
        switch (kind)
        {
            case WorkerMessage.Client when fd >= 0:
                instance.AdoptClient(fd, payload);
                return;
            case WorkerMessage.Listener when fd >= 0:
                AddOwnListener(instance, fd);
                return;
            case WorkerMessage.Cancel when payload.Length >= 4:
                instance.Runtime.Cancels.Find(BitConverter.ToInt32(payload.Span), payload.Span[4..])?.CancelFromElsewhere();
                break;
            case WorkerMessage.Reload:
                _ = instance.ReloadAsync();
                break;
            case WorkerMessage.Stop:
                _stop.TrySetResult(true);
                break;
            case WorkerMessage.FastStop:
                _stop.TrySetResult(false);
                break;
            case WorkerMessage.Wake:
                instance.Runtime.Manager.RetryHeldBack();
                break;
            case WorkerMessage.Snapshot when payload.Length >= 5:
                _ = _admin!.AnswerAsync(BitConverter.ToInt32(payload.Span), payload.Span[4]);
                break;
            case WorkerMessage.SnapshotCount when payload.Length >= 8:
                _admin!.OnCount(BitConverter.ToInt32(payload.Span), BitConverter.ToInt32(payload.Span[4..]));
                break;
            case WorkerMessage.SnapshotPart when payload.Length >= 6:
                _admin!.OnPart(BitConverter.ToInt32(payload.Span), payload.Span[4], payload.Span[5] != 0, payload.Span[6..]);
                break;
            case WorkerMessage.AdminCommand when payload.Length >= 4:
                _ = _admin!.ApplyAsync(payload);
                break;
            case WorkerMessage.AdminResult when payload.Length >= 4:
                _admin!.OnCommandResult(payload.Span);
                break;
            case WorkerMessage.State:
                RestoreState(instance.Runtime, payload.Span);
                break;
            case WorkerMessage.ServerParameters:
                if (ServerParametersMessage.TryDecode(payload.Span, out var key, out var parameters))
                    instance.Runtime.Manager.AdoptServerParameters(key, parameters);
                break;
            case WorkerMessage.Evict:
                EvictIdle(instance.Runtime.Manager, System.Text.Encoding.UTF8.GetString(payload.Span));
                break;
        }
        if (fd >= 0)
            IoEngine.CloseFd(fd);
    }

    /// <summary>Loop thread: accept clients from one of this worker's own SO_REUSEPORT sockets (workers_accept), counting
    /// them in shared memory for the supervisor's load figure.</summary>
    private void AddOwnListener(PoolerInstance instance, int fd)
    {
        if (instance.Runtime.ShuttingDown || instance.Runtime.Draining)
        {
            IoEngine.CloseFd(fd);
            return;
        }
        IoListener listener;
        try
        {
            listener = instance.Engine.AdoptListener(fd);
        }
        catch (Exception ex) when (ex is NotSupportedException or IOException)
        {
            // The supervisor goes on accepting from this socket for us only while we are down, so say it loudly.
            _log.Error("worker {Id}: cannot accept from the listening socket passed to it: {Error}", _args.Id, ex.Message);
            IoEngine.CloseFd(fd);
            return;
        }
        var shared = _shared!;
        var id = _args.Id;
        instance.AddListener(listener, () => shared.AddAccepted(id));
        _log.Debug("worker {Id}: accepting on {EndPoint}", _args.Id, listener.LocalEndPoint);
    }

    /// <summary>
    /// Loop thread: what the pooler's admins changed before this process started (see <see cref="WorkerMessage.State"/>).
    /// Applied at once, so a client handed over after it already sees the pause; PAUSE's wait for servers is not awaited.
    /// </summary>
    private void RestoreState(PoolerRuntime runtime, ReadOnlySpan<byte> json)
    {
        List<Management.AdminCommand>? commands;
        try
        {
            commands = System.Text.Json.JsonSerializer.Deserialize(json, SnapshotJson.Default.ListAdminCommand);
        }
        catch (System.Text.Json.JsonException ex)
        {
            _log.Error("worker {Id}: unreadable admin state from the supervisor: {Error}", _args.Id, ex.Message);
            return;
        }
        foreach (var command in commands ?? [])
        {
            var applied = Management.AdminActions.Apply(runtime, command);
            if (applied.IsCompleted && !applied.Result.IsOk)
                _log.Warning("worker {Id}: could not restore {Command}: {Message}", _args.Id, command.Kind, applied.Result.Message);
        }
        _log.Information("worker {Id}: admin state restored ({Count} command(s))", _args.Id, commands?.Count ?? 0);
    }

    /// <summary>Another worker waits for a slot of <paramref name="key"/>: close one idle server of it, if any (for a
    /// pool's own slots only as its fair share allows; see <see cref="Pool.EvictIdleForOtherWorker"/>).</summary>
    private static void EvictIdle(PoolManager manager, string key)
    {
        var parts = key.Split('\0');
        foreach (var pool in manager.Pools)
        {
            if (parts[0] == "p")
            {
                if (parts.Length != 3 || pool.Key.Database != parts[1] || pool.Key.User != parts[2])
                    continue;
                pool.EvictIdleForOtherWorker();
                return;
            }
            var match = parts[0] switch
            {
                "d" => parts.Length == 2 && pool.Key.Database == parts[1],
                "u" => parts.Length == 2 && pool.Key.User == parts[1],
                _ => false,
            };
            if (match && pool.EvictOneIdle())
                return;
        }
    }
}
