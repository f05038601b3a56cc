// Unit tests of the per-pool counters: query and transaction timing, waits, errors by class, merging.
using Microsoft.Extensions.Time.Testing;
using Pooler.Stats;

namespace Pooler.Tests.Stats;

public sealed class PoolStatsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void OnReady_TransactionOfTwoQueries_CountsTwoQueriesOneXactWithTimes()
    {
        var stats = new PoolStats();
        var clock = new QueryClock();
        PoolStats.OnQueryStart(clock, _time.GetTimestamp());          // BEGIN
        _time.Advance(TimeSpan.FromMilliseconds(2));
        stats.OnReady(clock, idle: false, morePending: false, _time.GetTimestamp(), _time);
        _time.Advance(TimeSpan.FromMilliseconds(5));                   // client think time: in the xact, not a query
        PoolStats.OnQueryStart(clock, _time.GetTimestamp());          // COMMIT
        _time.Advance(TimeSpan.FromMilliseconds(3));
        stats.OnReady(clock, idle: true, morePending: false, _time.GetTimestamp(), _time);

        Assert.Equal(2, stats.QueryCount);
        Assert.Equal(1, stats.XactCount);
        Assert.Equal(5_000, stats.QueryTimeUs);
        Assert.Equal(10_000, stats.XactTimeUs);
        Assert.Equal(0, clock.XactStart);
    }

    [Fact]
    public void AddError_SqlStates_GroupedByClass()
    {
        var stats = new PoolStats();
        stats.AddError("40001");
        stats.AddError("40P01");
        stats.AddError("23505");
        stats.AddError(null);

        Assert.Equal(2, stats.ErrorsByClass["40"]);
        Assert.Equal(1, stats.ErrorsByClass["23"]);
        Assert.Equal(1, stats.ErrorsByClass["??"]);
    }

    [Fact]
    public void AddWait_ClockBackwards_AddsNothing()
    {
        var stats = new PoolStats();
        var now = _time.GetUtcNow();
        stats.AddWait(now, now + TimeSpan.FromMilliseconds(7));
        stats.AddWait(now + TimeSpan.FromSeconds(1), now);

        Assert.Equal(7_000, stats.WaitTimeUs);
    }

    [Fact]
    public void Add_TwoSnapshots_SumsCountersAndErrorClasses()
    {
        var a = new PoolStats { XactCount = 3, Received = 10 };
        a.AddError("40001");
        var b = new PoolStats { XactCount = 4, Sent = 5 };
        b.AddError("40001");
        b.AddError("08006");

        var sum = a.Snapshot().Add(b.Snapshot());

        Assert.Equal(7, sum.XactCount);
        Assert.Equal(10, sum.Received);
        Assert.Equal(5, sum.Sent);
        Assert.Equal(2, sum.ErrorsByClass["40"]);
        Assert.Equal(1, sum.ErrorsByClass["08"]);
    }

    [Fact]
    public void Counters_RowWithValues_GoOnFromThemAndWriteThrough()
    {
        var row = Pooler.Io.SharedCounterRow.Local(PoolStats.CounterCount);
        row[1] = 41; // XactCount, as a restarted worker finds it

        var stats = new PoolStats(row);
        stats.XactCount++;
        stats.Sent += 9;

        Assert.Equal(42, row[1]);
        Assert.Equal(42, PoolStats.TotalsOf(row).XactCount);
        Assert.Equal(9, stats.Snapshot().Sent);
        Assert.False(stats.IsShared);
    }
}
