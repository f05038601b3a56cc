// Merging worker snapshots with the pool counters in shared memory: a dead worker's counts stay in the totals.
using Pooler.Config;
using Pooler.Management;
using Pooler.Shared;
using Pooler.Stats;

namespace Pooler.Tests.Management;

public sealed class SharedStatsMergeTests
{
    private static readonly PoolerConfig Config = new() { Pooler = new PoolerOptions() };

    private static AdminSnapshot Worker(int id, params PoolInfo[] pools) => new()
    {
        Pools = [.. pools],
        Workers = [new WorkerInfo { Id = id }],
    };

    private static Dictionary<long, SharedPoolStats> Shared(params (string Database, string User, long Xacts)[] rows) =>
        rows.ToDictionary(r => SharedStatsTable.KeyOf(r.Database, r.User),
            r => new SharedPoolStats(r.Database, r.User, new StatsTotals { XactCount = r.Xacts }));

    [Fact]
    public void Merge_SharedCounters_TakenFromSharedMemoryNotSnapshots()
    {
        // Worker 1 died: only worker 0 answered, but shared memory holds both workers' rows (10 + 7).
        var live = new PoolInfo
        {
            Database = "app", User = "u", ClActive = 2, StatsShared = true,
            Stats = new StatsTotals { XactCount = 10, ErrorsByClass = new Dictionary<string, long> { ["40"] = 1 } },
        };

        var merged = SharedStatsMerge.Merge([Worker(0, live)], Shared(("app", "u", 17)), Config);

        var pool = Assert.Single(merged.Pools);
        Assert.Equal(17, pool.Stats.XactCount);
        Assert.Equal(2, pool.ClActive);
        Assert.Equal(1, pool.Stats.ErrorsByClass["40"]);
        Assert.Equal(17, SnapshotMerge.Totals(merged).XactCount);
    }

    [Fact]
    public void Merge_PoolOnlyDeadWorkerHad_RowWithItsCountsAndNoConnections()
    {
        var merged = SharedStatsMerge.Merge([Worker(0)], Shared(("gone", "u", 5)), Config);

        var pool = Assert.Single(merged.Pools);
        Assert.Equal(("gone", "u"), (pool.Database, pool.User));
        Assert.Equal(5, pool.Stats.XactCount);
        Assert.Equal(0, pool.ClActive + pool.SvIdle + pool.SvActive);
        Assert.Equal("session", pool.PoolMode);
        var (database, totals) = Assert.Single(merged.StatsByDatabase());
        Assert.Equal(("gone", 5L), (database, totals.XactCount));
    }

    [Fact]
    public void Merge_LocalFallbackCounters_AddedToSharedRows()
    {
        // Worker 0's table was full: its counters are only in its snapshot; worker 1's row is in shared memory.
        var local = new PoolInfo { Database = "app", User = "u", Stats = new StatsTotals { XactCount = 3 } };
        var shared = new PoolInfo { Database = "app", User = "u", StatsShared = true, Stats = new StatsTotals { XactCount = 4 } };

        var merged = SharedStatsMerge.Merge([Worker(0, local), Worker(1, shared)], Shared(("app", "u", 4)), Config);

        Assert.Equal(7, Assert.Single(merged.Pools).Stats.XactCount);
    }

    [Fact]
    public void Merge_NoSharedRows_SameAsSnapshotMerge()
    {
        var a = new PoolInfo { Database = "a", User = "u", Stats = new StatsTotals { XactCount = 1 } };
        var b = new PoolInfo { Database = "b", User = "u", Stats = new StatsTotals { XactCount = 2 } };

        var merged = SharedStatsMerge.Merge([Worker(0, b), Worker(1, a)], new Dictionary<long, SharedPoolStats>(), Config);

        Assert.Equal([("a", 1L), ("b", 2L)], merged.Pools.Select(p => (p.Database, p.Stats.XactCount)));
    }
}
