// Pool statistics rows in shared memory: claimed per worker, found again after a restart with their counts, a full
// table refused, and sums over every worker's rows (a dead worker's included) by pool.
using Pooler.Shared;
using Pooler.Stats;

namespace Pooler.Tests.Shared;

public sealed class SharedStatsTableTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"pooler-stats-test-{Guid.NewGuid():N}");
    private readonly SharedState _owner;

    public SharedStatsTableTests() => _owner = SharedState.Create(_path);

    public void Dispose() => _owner.Dispose();

    [Fact]
    public void TryClaim_NewPool_SharedRowFromZero()
    {
        using var worker = SharedState.Open(_path);
        var table = new SharedStatsTable(worker);

        Assert.True(table.TryClaim(0, "app", "u", out var row));

        var stats = new PoolStats(row);
        Assert.True(stats.IsShared);
        Assert.Equal(0, stats.XactCount);
        stats.XactCount++;
        stats.Received += 100;
        Assert.Equal(1, table.UsedBy(0));
        // The supervisor's own mapping sees the counts.
        var sum = Assert.Single(new SharedStatsTable(_owner).Sum()).Value;
        Assert.Equal(("app", "u"), (sum.Database, sum.User));
        Assert.Equal(1, sum.Totals.XactCount);
        Assert.Equal(100, sum.Totals.Received);
    }

    [Fact]
    public void TryClaim_SameWorkerAfterRestart_ReattachesWithOldCounts()
    {
        using (var first = SharedState.Open(_path))
        {
            Assert.True(new SharedStatsTable(first).TryClaim(1, "app", "u", out var row));
            var stats = new PoolStats(row);
            stats.XactCount += 7;
            stats.BindCount += 3;
            Assert.True(new SharedStatsTable(first).TryClaim(1, "other", "u", out _));
        }

        // A new process (a new mapping) for the same worker index.
        using var restarted = SharedState.Open(_path);
        var table = new SharedStatsTable(restarted);
        Assert.True(table.TryClaim(1, "app", "u", out var again));

        var continued = new PoolStats(again);
        Assert.Equal(7, continued.XactCount);
        Assert.Equal(3, continued.BindCount);
        continued.XactCount++;
        Assert.Equal(8, new SharedStatsTable(_owner).Sum()[SharedStatsTable.KeyOf("app", "u")].Totals.XactCount);
        Assert.Equal(2, table.UsedBy(1));
    }

    [Fact]
    public void TryClaim_TableFull_RefusedAndOtherWorkersUnaffected()
    {
        var table = new SharedStatsTable(_owner);
        for (var i = 0; i < SharedLayout.StatsRows; i++)
            Assert.True(table.TryClaim(2, $"db{i}", "u", out _));

        Assert.False(table.TryClaim(2, "one-more", "u", out var refused));
        Assert.False(refused.IsValid);
        // A pool it already has is still found; another worker has its own rows.
        Assert.True(table.TryClaim(2, "db5", "u", out _));
        Assert.True(table.TryClaim(3, "one-more", "u", out _));
        Assert.Equal(SharedLayout.StatsRows, table.UsedBy(2));
    }

    [Fact]
    public void Sum_SamePoolOnSeveralWorkers_AddsEveryRow()
    {
        var table = new SharedStatsTable(_owner);
        for (var w = 0; w < 3; w++)
        {
            Assert.True(table.TryClaim(w, "app", "u", out var row));
            var stats = new PoolStats(row);
            stats.XactCount += 10 * (w + 1);
            stats.QueryTimeUs += 1000;
        }
        Assert.True(table.TryClaim(1, "app", "v", out var other));
        new PoolStats(other).XactCount += 5;

        var sums = table.Sum();

        Assert.Equal(2, sums.Count);
        var app = sums[SharedStatsTable.KeyOf("app", "u")];
        Assert.Equal(60, app.Totals.XactCount);
        Assert.Equal(3000, app.Totals.QueryTimeUs);
        Assert.Equal(5, sums[SharedStatsTable.KeyOf("app", "v")].Totals.XactCount);
    }

    [Fact]
    public void Sum_NameTooLongForRow_CountedByKeyWithoutName()
    {
        var table = new SharedStatsTable(_owner);
        var database = new string('d', SharedLayout.StatsNameMax);
        Assert.True(table.TryClaim(0, database, "u", out var row));
        new PoolStats(row).QueryCount += 4;

        var sum = table.Sum()[SharedStatsTable.KeyOf(database, "u")];

        Assert.Null(sum.Database);
        Assert.Equal(4, sum.Totals.QueryCount);
    }
}
