// What the admin console, the management socket and the metrics need from a pool: statistics and admin actions.
using Pooler.Stats;

namespace Pooler.Pools;

internal sealed partial class Pool
{
    private PoolStats? _stats;

    // Servers in use when RECONNECT (or a reload) asked for fresh ones: closed when their client lets go.
    private readonly HashSet<IPooledServer> _closeNeeded = [];

    /// <summary>Traffic counters of this pool (SHOW STATS, metrics); the data path increments them.</summary>
    public PoolStats Stats => _stats ??= _manager.NewStats(Key);

    /// <summary>The clock the pool's timers use; the data path takes its timestamps from it too.</summary>
    internal TimeProvider Time => _manager.Time;

    /// <summary>PAUSE or KILL is in force for this pool's database: no server is handed out or opened.</summary>
    public bool IsPaused => _manager.IsPaused(Key.Database);

    /// <summary>Idle servers, most recently used last.</summary>
    public IReadOnlyList<IPooledServer> IdleServers => _idle;

    /// <summary>Servers linked to clients (or being cleaned up before they come back).</summary>
    public IReadOnlyCollection<IPooledServer> ActiveServers => _active;

    /// <summary>Servers to be closed once released (SHOW SERVERS close_needed).</summary>
    public bool IsCloseNeeded(IPooledServer server) => _closeNeeded.Contains(server);

    public int CloseNeededCount => _closeNeeded.Count;

    /// <summary>How long the first client in the queue has waited (SHOW POOLS maxwait); zero with no waiter.</summary>
    public TimeSpan OldestWait(DateTimeOffset now) =>
        _waiters.First is { } first && now > first.Value.EnqueuedAt ? now - first.Value.EnqueuedAt : TimeSpan.Zero;

    /// <summary>RECONNECT: close idle servers now and the ones in use when they come back; new ones open as needed.</summary>
    public void Reconnect(string reason)
    {
        foreach (var server in _active)
            _closeNeeded.Add(server);
        CloseIdle(reason);
        Launch();
    }

    /// <summary>PAUSE / KILL just took effect: idle servers close; busy ones close when released.</summary>
    public void OnPaused(string reason) => CloseIdle(reason);

    /// <summary>RESUME: open servers for the clients that queued while paused.</summary>
    public void OnResumed() => Launch();

    private void CloseIdle(string reason)
    {
        while (_idle.Count > 0)
        {
            var server = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            Drop(server, reason);
        }
        ArmTimer();
    }

    /// <summary>Why a server coming back (or just logged in) must close instead of being handed on; null if it may serve.</summary>
    private string? ClosesOnHand(IPooledServer server)
    {
        if (_closeNeeded.Remove(server))
            return "reconnect requested";
        return IsPaused ? "database paused" : null;
    }

    private void OnDropped(IPooledServer server)
    {
        _closeNeeded.Remove(server);
        _manager.OnServerClosed();
    }
}
