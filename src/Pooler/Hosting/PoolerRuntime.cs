// Everything one event loop's sessions share: engine, configuration, pools, cancel keys, live sessions.
using Pooler.Clients;
using Pooler.Config;
using Pooler.Io;
using Pooler.Pools;
using Serilog;

namespace Pooler.Hosting;

internal sealed partial class PoolerRuntime
{
    private long _nextClientId;

    public PoolerRuntime(IoEngine engine, PoolerConfig config, ILogger log, int workerId = 0,
        Func<string, string?>? authFileSecret = null, IConnectionCounters? counters = null,
        Func<PoolKey, Stats.PoolStats>? statsFactory = null)
    {
        Engine = engine;
        Log = log;
        WorkerId = workerId;
        Cancels = new CancelRegistry(workerId);
        Collector = new BurstCollector(engine.TimeProvider);
        Auth = new Auth.AuthService(config, log, engine.TimeProvider);
        PoolDirectory? directory = null;
        var connector = new Servers.ServerConnector(engine, pool => directory!.TargetOf(pool), log)
        {
            Tls = () => Tls.TlsRegistry.For(directory!.Config.Pooler, log).Server,
        };
        Manager = new PoolManager(connector, counters ?? new LocalConnectionCounters(), engine.TimeProvider, new PoolManagerSettings(), log)
        {
            StatsFactory = statsFactory,
        };
        directory = new PoolDirectory(Manager, authFileSecret ?? Auth.FileSecret);
        Directory = directory;
        Directory.Configure(config);
    }

    public IoEngine Engine { get; }

    public ILogger Log { get; }

    public int WorkerId { get; }

    public PoolerConfig Config => Directory.Config;

    public PoolerOptions Options => Directory.Config.Pooler;

    public PoolManager Manager { get; }

    public PoolDirectory Directory { get; }

    public CancelRegistry Cancels { get; }

    /// <summary>Scanners of client messages, lent to sessions while they forward (ClientSession.Park.cs).</summary>
    public ScannerPool ClientScanners { get; } = new();

    /// <summary>Client authentication: auth_file, hba rules, auth_query cache, failed-login back-off, admin roles.
    /// The reload code calls <c>Auth.Reload(config)</c> with the new snapshot.</summary>
    public Auth.AuthService Auth { get; }

    private readonly HashSet<ClientSession> _sessions = [];
    private readonly TaskCompletionSource _allSessionsEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Live sessions, so shutdown can end each one.</summary>
    public IReadOnlyCollection<ClientSession> Sessions => _sessions;

    /// <summary>Completes once shutdown has begun and the last session has ended.</summary>
    public Task AllSessionsEnded => _allSessionsEnded.Task;

    /// <summary>Gives a burst's memory back once client connections stop coming and going (see BurstCollector).</summary>
    public BurstCollector Collector { get; }

    public void AddSession(ClientSession session)
    {
        _sessions.Add(session);
        Collector.OnConnectionEvent();
    }

    public void RemoveSession(ClientSession session)
    {
        if (_sessions.Remove(session))
            SessionEnded?.Invoke();
        Collector.OnConnectionEvent();
        if ((ShuttingDown || Draining) && _sessions.Count == 0)
            _allSessionsEnded.TrySetResult();
    }

    /// <summary>Workers: passes a CancelRequest whose key names another worker (process id, secret) to the supervisor,
    /// which forwards it to that worker. Null in one process.</summary>
    public Action<int, byte[]>? CancelElsewhere { get; set; }

    /// <summary>Called after each session ended (a worker counts them in shared memory for the supervisor).</summary>
    public Action? SessionEnded { get; set; }

    /// <summary>True once a graceful stop began: sessions end as soon as they are outside a transaction.</summary>
    public bool Draining { get; private set; }

    /// <summary>Graceful stop, loop thread: end every session that is not busy now; busy ones end at their next
    /// ReadyForQuery 'I' (ClientSession.OnServerReady).</summary>
    public void BeginDrain()
    {
        Draining = true;
        foreach (var session in _sessions.ToArray())
        {
            if (!session.IsBusy)
                session.RequestEnd(SessionEnd.Shutdown, null);
        }
        if (_sessions.Count == 0)
            _allSessionsEnded.TrySetResult();
    }

    public bool ShuttingDown { get; private set; }

    public long NextClientId() => ++_nextClientId;

    /// <summary>Stop pools and end every session with 57P01; loop thread.</summary>
    public void BeginShutdown()
    {
        ShuttingDown = true;
        Manager.Shutdown();
        foreach (var session in _sessions.ToArray())
            session.RequestEnd(SessionEnd.Shutdown, null);
        if (_sessions.Count == 0)
            _allSessionsEnded.TrySetResult();
    }
}
