// One (database, user) pool in a snapshot: client and server counts by state, the oldest wait, its counters.
using Pooler.Stats;

namespace Pooler.Management;

internal sealed record PoolInfo
{
    public string Database { get; init; } = "";
    public string User { get; init; } = "";
    public int ClActive { get; init; }
    public int ClWaiting { get; init; }
    /// <summary>Cancel request connections waiting for their cancel to be done.</summary>
    public int ClActiveCancelReq { get; init; }
    /// <summary>Cancel connections open toward this pool's servers.</summary>
    public int SvActiveCancel { get; init; }
    /// <summary>Released servers held back until a cancel toward them is done.</summary>
    public int SvBeingCanceled { get; init; }
    public int SvActive { get; init; }
    public int SvIdle { get; init; }
    public int SvUsed { get; init; }
    public int SvTested { get; init; }
    public int SvLogin { get; init; }
    /// <summary>How long the oldest waiting client has waited, in microseconds.</summary>
    public long MaxWaitUs { get; init; }
    public string PoolMode { get; init; } = "";
    public int PoolSize { get; init; }
    public bool Paused { get; init; }
    public StatsTotals Stats { get; init; } = StatsTotals.Empty;
    /// <summary>The counters of <see cref="Stats"/> are also in shared memory, where merging takes them from (so a
    /// dead worker's counts stay in); false for process-local counters, which only this snapshot carries.</summary>
    public bool StatsShared { get; init; }
}
