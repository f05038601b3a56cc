// Unit tests of merging worker snapshots: one row per pool with summed counts and the longest wait.
using Pooler.Management;
using Pooler.Stats;

namespace Pooler.Tests.Management;

public sealed class SnapshotMergeTests
{
    private static AdminSnapshot Worker(int id, int active, int idle, long maxWaitUs, long xacts) => new()
    {
        StartedAt = DateTimeOffset.UnixEpoch.AddSeconds(id),
        TakenAt = DateTimeOffset.UnixEpoch.AddSeconds(100 + id),
        Pools = [new PoolInfo { Database = "app", User = "u", ClActive = active, SvIdle = idle, MaxWaitUs = maxWaitUs, Stats = new StatsTotals { XactCount = xacts } }],
        Clients = [new ClientInfo { Id = 1, Worker = id, Database = "app" }],
        Databases = [new DatabaseInfo { Name = "app", CurrentConnections = idle, PoolSize = 20 }],
        Workers = [new WorkerInfo { Id = id }],
    };

    [Fact]
    public void Merge_SamePoolOnTwoWorkers_OneRowSummedLongestWait()
    {
        var merged = SnapshotMerge.Merge([Worker(0, 2, 1, 500, 10), Worker(1, 3, 4, 90, 7)]);

        var pool = Assert.Single(merged.Pools);
        Assert.Equal(5, pool.ClActive);
        Assert.Equal(5, pool.SvIdle);
        Assert.Equal(500, pool.MaxWaitUs);
        Assert.Equal(17, pool.Stats.XactCount);
        Assert.Equal(2, merged.Clients.Count);
        Assert.Equal([0, 1], merged.Workers.Select(w => w.Id));
        var db = Assert.Single(merged.Databases);
        Assert.Equal(5, db.CurrentConnections);
        Assert.Equal(20, db.PoolSize);
        Assert.Equal(DateTimeOffset.UnixEpoch, merged.StartedAt);
    }

    [Fact]
    public void Merge_DifferentPools_KeptApartSorted()
    {
        var other = Worker(1, 1, 1, 0, 1) with { Pools = [new PoolInfo { Database = "a", User = "u" }] };

        var merged = SnapshotMerge.Merge([Worker(0, 1, 1, 0, 1), other]);

        Assert.Equal(["a", "app"], merged.Pools.Select(p => p.Database));
    }

    [Fact]
    public void Totals_SumOfEveryPool()
    {
        var snapshot = Worker(0, 1, 1, 0, 4) with
        {
            Pools = [new PoolInfo { Database = "a", Stats = new StatsTotals { XactCount = 4 } }, new PoolInfo { Database = "b", Stats = new StatsTotals { XactCount = 6 } }],
        };

        Assert.Equal(10, SnapshotMerge.Totals(snapshot).XactCount);
    }
}
