// What the admin console, the management socket and the metrics need from a pool: statistics and admin actions.
using Pooler.Stats;

namespace Pooler.Pools;

internal sealed partial class Pool
{
    private PoolStats? _stats;

    /// <summary>Traffic counters of this pool (SHOW STATS, metrics); the data path increments them.</summary>
    public PoolStats Stats => _stats ??= new PoolStats();

    /// <summary>The clock the pool's timers use; the data path takes its timestamps from it too.</summary>
    internal TimeProvider Time => _manager.Time;

    /// <summary>How long the first client in the queue has waited (SHOW POOLS maxwait); zero with no waiter.</summary>
    public TimeSpan OldestWait(DateTimeOffset now) =>
        _waiters.First is { } first && now > first.Value.EnqueuedAt ? now - first.Value.EnqueuedAt : TimeSpan.Zero;
}
