// Owns every pool, the global counters and the per-host login gates; starts the logins pools ask for.
using Serilog;

namespace Pooler.Pools;

/// <summary>
/// The pools of one event loop. Global limits (max_client_conn, max_db_connections, max_user_connections) go
/// through <see cref="IConnectionCounters"/>; when a limit frees up, pools that were held back are retried.
/// Loop-thread only.
/// </summary>
internal sealed partial class PoolManager
{
    private readonly Dictionary<PoolKey, Pool> _pools = [];
    private readonly Dictionary<string, LoginGate> _gates = new(StringComparer.Ordinal);
    private readonly HashSet<Pool> _heldBack = [];
    private readonly IServerConnector _connector;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _shutdown = new();
    private bool _waking;

    public PoolManager(IServerConnector connector, IConnectionCounters counters, TimeProvider time,
        PoolManagerSettings settings, ILogger log)
    {
        _connector = connector;
        Counters = counters;
        Time = time;
        Settings = settings;
        _log = log;
    }

    public TimeProvider Time { get; }

    public IConnectionCounters Counters { get; }

    public PoolManagerSettings Settings { get; set; }

    public IEnumerable<Pool> Pools => _pools.Values;

    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    /// <summary>Admit a new client unless max_client_conn clients are connected.</summary>
    public bool TryAdmitClient() => !IsShuttingDown && Counters.TryAddClient(Settings.MaxClientConn);

    public void RemoveClient() => Counters.RemoveClient();

    public Pool? Find(PoolKey key) => _pools.GetValueOrDefault(key);

    public Pool GetOrCreate(PoolKey key, PoolLimits settings)
    {
        if (_pools.TryGetValue(key, out var pool))
            return pool;
        pool = new Pool(this, key, settings);
        if (_sharedParameters.TryGetValue(key, out var parameters))
            pool.AdoptServerParameters(parameters);
        _pools.Add(key, pool);
        // min_pool_size starts warming as soon as the pool exists.
        pool.Launch();
        return pool;
    }

    internal LoginGate GateFor(string hostKey)
    {
        if (!_gates.TryGetValue(hostKey, out var gate))
        {
            gate = new LoginGate(hostKey, Settings.MaxServerConnectsPerHost);
            _gates.Add(hostKey, gate);
        }
        return gate;
    }

    /// <summary>
    /// Take a global server slot for <paramref name="pool"/>. At max_db_connections / max_user_connections, close
    /// an idle server of a sibling pool to make room (as PgBouncer does); failing that, remember the pool so it is
    /// retried when any server of the process closes.
    /// </summary>
    internal bool TryTakeServerSlot(Pool pool)
    {
        if (pool.HeldBackShared)
            return false; // refused by the shared pool entry; retried when a wake-up comes
        var s = pool.Settings;
        // pool_size (+ reserve) is passed for shared counters, where other workers' servers of this pool count too.
        var status = Counters.TryAddServer(pool.Key.Database, pool.Key.User, s.MaxDbConnections, s.MaxUserConnections,
            s.PoolSize + s.ReservePoolSize);
        if (status == ServerSlotStatus.Granted)
            return true;
        if (status == ServerSlotStatus.PoolLimit)
        {
            pool.HeldBackShared = true;
            _heldBack.Add(pool);
            return false;
        }
        foreach (var other in _pools.Values)
        {
            if (other == pool)
                continue;
            var sibling = status == ServerSlotStatus.DatabaseLimit
                ? other.Key.Database == pool.Key.Database
                : other.Key.User == pool.Key.User;
            if (sibling && other.IdleCount > 0 && other.EvictOneIdle())
            {
                status = Counters.TryAddServer(pool.Key.Database, pool.Key.User, s.MaxDbConnections, s.MaxUserConnections,
                    s.PoolSize + s.ReservePoolSize);
                if (status == ServerSlotStatus.Granted)
                    return true;
            }
        }
        _heldBack.Add(pool);
        return false;
    }

    /// <summary>Whether a pool sharing <paramref name="pool"/>'s database or user waits for a global server slot.</summary>
    internal bool IsSiblingHeldBack(Pool pool)
    {
        // Closing this server frees a slot of its database and of its user only, and only those limits can hold a
        // sibling back; without them nothing would be gained. (Asked on every server parked idle; and a sibling held
        // back by its own pool's shared slots is no reason to close this one.)
        if (pool.Settings.MaxDbConnections <= 0 && pool.Settings.MaxUserConnections <= 0)
            return false;
        if (Counters.OthersWaitFor(pool.Key.Database, pool.Key.User))
            return true;
        foreach (var other in _heldBack)
        {
            if (other != pool && !other.HeldBackShared
                && (other.Key.Database == pool.Key.Database || other.Key.User == pool.Key.User))
                return true;
        }
        return false;
    }

    /// <summary>A server of <paramref name="pool"/> closed or its login failed: free its slot and retry held-back pools.</summary>
    internal void ReleaseServerSlot(Pool pool, bool wake)
    {
        Counters.RemoveServer(pool.Key.Database, pool.Key.User);
        if (!wake || _heldBack.Count == 0 || _waking)
            return;
        _waking = true;
        try
        {
            Relaunch();
        }
        finally
        {
            _waking = false;
        }
    }

    /// <summary>Another worker gave back a shared slot this process waited for: retry the held-back pools.</summary>
    internal void RetryHeldBack()
    {
        if (_heldBack.Count == 0)
            return;
        Relaunch();
    }

    private void Relaunch()
    {
        var held = _heldBack.ToArray();
        _heldBack.Clear();
        foreach (var p in held)
        {
            p.HeldBackShared = false;
            p.Launch();
        }
    }

    internal void StartLogin(Pool pool) => _ = RunLoginAsync(pool);

    private async Task RunLoginAsync(Pool pool)
    {
        var settings = pool.Settings;
        var gate = GateFor(settings.HostKey);
        ServerConnectResult result;
        var entered = await gate.EnterAsync(Time.GetUtcNow());
        if (entered == LoginGateStatus.Entered)
        {
            try
            {
                result = await _connector.ConnectAsync(pool, _shutdown.Token);
            }
            catch (Exception ex)
            {
                // A bug or an I/O failure the connector did not turn into a value: treat the host as unreachable.
                _log.Error(ex, "login to {Host} for pool {Pool} threw", settings.HostKey, pool.Key);
                result = ServerConnectResult.Failed(ServerConnectStatus.HostUnavailable, new PoolError("08006", ex.Message));
            }
            var hostError = result.Status == ServerConnectStatus.HostUnavailable ? result.Error : null;
            gate.Exit(Time.GetUtcNow(), hostError, settings.ServerLoginRetry, settings.LoginRetryCap);
            if (hostError is not null)
                _log.Warning("login to {Host} failed ({Error}); retrying in {Delay}", settings.HostKey, hostError,
                    gate.Backoff.NotBefore - Time.GetUtcNow());
        }
        else
        {
            result = ServerConnectResult.Failed(ServerConnectStatus.HostUnavailable,
                gate.LastError ?? new PoolError("08006", "pooler shutting down"));
        }

        pool.OnLoginCompleted(result);
        if (entered == LoginGateStatus.Entered && result.Status == ServerConnectStatus.HostUnavailable && result.Error is { } error)
        {
            foreach (var other in _pools.Values)
            {
                if (other != pool && other.Settings.HostKey == settings.HostKey)
                    other.OnLoginFailing(error);
            }
        }
    }

    /// <summary>Stop every pool: waiters fail, idle servers close, logins in progress are cancelled.</summary>
    public void Shutdown()
    {
        _shutdown.Cancel();
        foreach (var gate in _gates.Values)
            gate.Shutdown();
        foreach (var pool in _pools.Values)
            pool.Shutdown();
    }
}
