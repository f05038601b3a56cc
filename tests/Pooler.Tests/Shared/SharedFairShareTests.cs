// Fair shares of a pool's slots across workers: a worker above its share gives a slot up only while a hungry worker
// is below it, a starving worker gets one, and a settled split stays settled (no churn of server logins).
using Pooler.Shared;

namespace Pooler.Tests.Shared;

public sealed class SharedFairShareTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"pooler-shm-fair-{Guid.NewGuid():N}");
    private readonly SharedState _state;
    private readonly int _pool;

    public SharedFairShareTests()
    {
        _state = SharedState.Create(_path);
        _pool = _state.Find(SharedState.KeyOf("p\0db\0u"));
    }

    public void Dispose() => _state.Dispose();

    private void Take(int worker, int n, int limit = 20)
    {
        for (var i = 0; i < n; i++)
            Assert.True(_state.TryTakeFair(_pool, limit, worker, SharedState.NowMs) >= 0);
    }

    [Fact]
    public void ShouldYield_AboveShareWhileHungryWorkerBelow_YieldsUntilEvenThenStops()
    {
        var now = SharedState.NowMs;
        Take(0, 20);
        _state.SetHungry(_pool, worker: 1, now);
        Assert.Equal(-1, _state.TryTakeFair(_pool, 20, 1, now)); // full

        var handed = 0;
        while (_state.ShouldYield(_pool, 20, worker: 0, now))
        {
            _state.Give(_pool, worker: 0);
            // The freed slot is owed to worker 1: worker 0 (at or above its share) may not take it back.
            Assert.Equal(-1, _state.TryTakeFair(_pool, 20, 0, now));
            Assert.True(_state.TryTakeFair(_pool, 20, 1, now) >= 0);
            handed++;
        }
        Assert.Equal(10, handed);
        Assert.Equal(10, _state.CountOf(_pool, 0));
        Assert.Equal(10, _state.CountOf(_pool, 1));

        // Both hungry at 10/10: neither gives anything up, however long it runs.
        _state.SetHungry(_pool, worker: 0, now);
        for (var i = 0; i < 1000; i++)
        {
            var t = now + i;
            _state.Served(_pool, i % 2, t);
            Assert.False(_state.ShouldYield(_pool, 20, worker: 0, t));
            Assert.False(_state.ShouldYield(_pool, 20, worker: 1, t));
        }
    }

    [Fact]
    public void ShouldYield_UnevenLimitThreeWorkers_SettlesWithoutYield()
    {
        var now = SharedState.NowMs;
        Take(0, 7);
        Take(1, 7);
        Take(2, 6);
        for (var w = 0; w < 3; w++)
            _state.SetHungry(_pool, w, now);
        for (var w = 0; w < 3; w++)
            Assert.False(_state.ShouldYield(_pool, 20, w, now + 10));
    }

    [Fact]
    public void ShouldYield_NobodyHungry_False()
    {
        Take(0, 20);
        Assert.False(_state.ShouldYield(_pool, 20, worker: 0, SharedState.NowMs));
    }

    [Fact]
    public void ShouldYield_WorkerWithNothingStarving_GetsOneAfterHysteresisOnly()
    {
        var start = SharedState.NowMs;
        Take(0, 1, limit: 1);
        _state.SetHungry(_pool, worker: 0, start);
        _state.SetHungry(_pool, worker: 1, start);
        // pool_size 1 over two workers: the share (1) does not help worker 1; only starvation does.
        Assert.False(_state.ShouldYield(_pool, 1, worker: 0, start + SharedState.StarveMs - 1));
        _state.Served(_pool, 0, start + SharedState.StarveMs - 1);
        Assert.True(_state.ShouldYield(_pool, 1, worker: 0, start + SharedState.StarveMs));
        _state.Give(_pool, worker: 0);
        // Worker 0 served its own clients more recently: the slot is worker 1's.
        Assert.Equal(-1, _state.TryTakeFair(_pool, 1, 0, start + SharedState.StarveMs));
        Assert.True(_state.TryTakeFair(_pool, 1, 1, start + SharedState.StarveMs) >= 0);
    }

    [Fact]
    public void ShouldYield_HolderStarvingLongerThanTheOther_KeepsItsServer()
    {
        // Worker 1 waited first; worker 0 gave it the only slot and became hungry itself. The server worker 1 then
        // logged in must serve worker 1's client, however long the login took, not go straight back to worker 0.
        var start = SharedState.NowMs;
        _state.SetHungry(_pool, worker: 1, start);
        _state.SetHungry(_pool, worker: 0, start + 50);
        Take(1, 1, limit: 1);
        Assert.False(_state.ShouldYield(_pool, 1, worker: 1, start + 50 + 5 * SharedState.StarveMs));
        // Once worker 1 has served its client, worker 0 is the one starving longer: then it yields.
        _state.Served(_pool, 1, start + 60);
        Assert.True(_state.ShouldYield(_pool, 1, worker: 1, start + 50 + 5 * SharedState.StarveMs));
    }

    [Fact]
    public void ClearHungry_WakesWorkersRefusedBecauseOfIt()
    {
        var now = SharedState.NowMs;
        Take(0, 10);
        _state.SetHungry(_pool, worker: 1, now);
        Assert.Equal(-1, _state.TryTakeFair(_pool, 20, 0, now)); // 10 free slots, but worker 1 is owed them
        _state.AddWaiter(_pool, worker: 0);
        Assert.Equal(1L << 0, _state.ClearHungry(_pool, worker: 1, limit: 20));
        Assert.True(_state.TryTakeFair(_pool, 20, 0, now) >= 0);
        Assert.Equal(0L, _state.ClearHungry(_pool, worker: 1, limit: 20)); // only once
    }

    [Fact]
    public void ClearHungry_AllSlotsTaken_WakesNobodyAndTheNextGiveDoes()
    {
        var now = SharedState.NowMs;
        Take(0, 10);
        Take(1, 10);
        _state.SetHungry(_pool, worker: 1, now);
        Assert.Equal(-1, _state.TryTakeFair(_pool, 20, 0, now)); // full
        _state.AddWaiter(_pool, worker: 0);
        // Nothing was freed: a wake-up would only bring a refused retry (a message through the supervisor each time).
        Assert.Equal(0L, _state.ClearHungry(_pool, worker: 1, limit: 20));
        // The waiter is still recorded, so the slot given back next wakes it.
        Assert.Equal(1L << 0, _state.Give(_pool, worker: 1) & ~(1L << 1));
    }

    [Fact]
    public void TryTakeFair_SlotsStillFreeAfterTake_WakesWaiters()
    {
        var now = SharedState.NowMs;
        _state.AddWaiter(_pool, worker: 1);
        Assert.Equal(1L << 1, _state.TryTakeFair(_pool, 20, 0, now));
    }

    [Fact]
    public void ReclaimWorker_ClearsItsHunger()
    {
        var now = SharedState.NowMs;
        Take(0, 20);
        _state.SetHungry(_pool, worker: 1, now);
        Assert.True(_state.ShouldYield(_pool, 20, worker: 0, now));
        _state.ReclaimWorker(1);
        Assert.Equal(0L, _state.HungryOf(_pool));
        Assert.False(_state.ShouldYield(_pool, 20, worker: 0, now));
    }
}
