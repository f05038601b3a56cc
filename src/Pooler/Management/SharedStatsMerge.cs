// Merges workers' snapshots with the pool statistics in shared memory, so a dead worker's counts stay in the totals.
using Pooler.Config;
using Pooler.Shared;
using Pooler.Stats;

namespace Pooler.Management;

/// <summary>
/// A pure function over <see cref="SnapshotMerge"/>: a pool's counters are the sum of every worker's shared row for
/// it (<see cref="SharedStatsTable.Sum"/>), alive or dead, plus the process-local counters live workers reported
/// (a worker whose table was full). Summing the snapshots instead lost a killed worker's counts, so SHOW STATS
/// totals and Prometheus counters went down. Errors by class are process-local and come from the snapshots only.
/// A pool only dead workers had still gets a row (no clients or servers), so its counts stay in SHOW STATS.
/// </summary>
internal static class SharedStatsMerge
{
    public static AdminSnapshot Merge(IReadOnlyList<AdminSnapshot> parts, IReadOnlyDictionary<long, SharedPoolStats> shared,
        PoolerConfig config)
    {
        // The shared counters are counted once, from shared memory: keep only what the snapshots alone know.
        var local = parts.Select(p => p with { Pools = p.Pools.Select(LocalPart).ToList() }).ToList();
        var merged = SnapshotMerge.Merge(local);
        var left = new Dictionary<long, SharedPoolStats>(shared);
        var pools = new List<PoolInfo>(merged.Pools.Count);
        foreach (var pool in merged.Pools)
        {
            var key = SharedStatsTable.KeyOf(pool.Database, pool.User);
            left.Remove(key, out var sum);
            pools.Add(sum is null ? pool : pool with { Stats = pool.Stats.Add(sum.Totals), StatsShared = true });
        }
        foreach (var (_, sum) in left)
        {
            if (sum.Database is null || sum.User is null)
                continue;
            var resolved = config.ResolvePool(sum.Database, sum.User);
            pools.Add(new PoolInfo
            {
                Database = sum.Database,
                User = sum.User,
                PoolMode = resolved.PoolMode.ToConfigName(),
                PoolSize = resolved.PoolSize,
                Stats = sum.Totals,
                StatsShared = true,
            });
        }
        return merged with
        {
            Pools = pools.OrderBy(p => p.Database, StringComparer.Ordinal).ThenBy(p => p.User, StringComparer.Ordinal).ToList(),
        };
    }

    private static PoolInfo LocalPart(PoolInfo pool) =>
        pool.StatsShared ? pool with { Stats = StatsTotals.Empty with { ErrorsByClass = pool.Stats.ErrorsByClass } } : pool;
}
