// Shared-memory counters: limits hold across "processes" (two mappings of one file), slots carry their owner, a
// dead worker's slots come back, and waiters are named for a wake-up.
using Pooler.Pools;
using Pooler.Shared;

namespace Pooler.Tests.Shared;

public sealed class SharedStateTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"pooler-shm-test-{Guid.NewGuid():N}");
    private readonly SharedState _owner;

    public SharedStateTests() => _owner = SharedState.Create(_path);

    public void Dispose() => _owner.Dispose();

    [Fact]
    public void TryTake_TwoMappingsShareOneLimit()
    {
        using var other = SharedState.Open(_path);
        var a = _owner.Find(SharedState.KeyOf("p\0db\0u"));
        var b = other.Find(SharedState.KeyOf("p\0db\0u"));
        Assert.Equal(a, b);
        Assert.True(_owner.TryTake(a, 2, worker: 0));
        Assert.True(other.TryTake(b, 2, worker: 1));
        Assert.False(other.TryTake(b, 2, worker: 1));
        Assert.Equal(2, _owner.TotalOf(a));
        Assert.Equal(1, _owner.CountOf(a, 1));
    }

    [Fact]
    public void TryTake_ManyThreadsAgainstLimit_NeverExceeds()
    {
        using var other = SharedState.Open(_path);
        var index = _owner.Find(SharedState.KeyOf("c"));
        var granted = 0;
        Parallel.For(0, 8, w =>
        {
            var state = w % 2 == 0 ? _owner : other;
            for (var i = 0; i < 1000; i++)
            {
                if (state.TryTake(index, 50, w))
                    Interlocked.Increment(ref granted);
            }
        });
        Assert.Equal(50, granted);
        Assert.Equal(50, _owner.TotalOf(index));
    }

    [Fact]
    public void Give_WithWaiter_ReturnsWaiterMaskOnce()
    {
        var index = _owner.Find(SharedState.KeyOf("d\0db"));
        Assert.True(_owner.TryTake(index, 1, worker: 0));
        _owner.AddWaiter(index, worker: 3);
        Assert.Equal(1L << 3, _owner.Give(index, worker: 0));
        Assert.Equal(0, _owner.TotalOf(index));
        Assert.True(_owner.TryTake(index, 1, worker: 0));
        Assert.Equal(0L, _owner.Give(index, worker: 0));
    }

    [Fact]
    public void ReclaimWorker_DeadWorkersSlotsComeBackAndWaitersAreNamed()
    {
        var index = _owner.Find(SharedState.KeyOf("p\0db\0u"));
        Assert.True(_owner.TryTake(index, 3, worker: 1));
        Assert.True(_owner.TryTake(index, 3, worker: 1));
        Assert.True(_owner.TryTake(index, 3, worker: 0));
        _owner.AddWaiter(index, worker: 0);

        var wake = _owner.ReclaimWorker(1);

        Assert.Equal(1L, wake);
        Assert.Equal(1, _owner.TotalOf(index));
        Assert.Equal(0, _owner.CountOf(index, 1));
        Assert.Equal(1, _owner.CountOf(index, 0));
    }

    [Fact]
    public void Counters_PoolLimitAcrossWorkers_RefusesThenWakesAndAsksHolderToEvict()
    {
        using var other = SharedState.Open(_path);
        var woken = new List<long>();
        var evictions = new List<(long Mask, string Key)>();
        var w0 = new SharedConnectionCounters(_owner, 0, woken.Add, (m, k) => evictions.Add((m, k)));
        var w1 = new SharedConnectionCounters(other, 1, woken.Add, (m, k) => evictions.Add((m, k)));

        Assert.Equal(ServerSlotStatus.Granted, w0.TryAddServer("db", "u", 0, 0, maxPoolConnections: 1));
        Assert.Equal(ServerSlotStatus.PoolLimit, w1.TryAddServer("db", "u", 0, 0, maxPoolConnections: 1));
        Assert.Equal([(1L, SharedConnectionCounters.PoolKeyOf("db", "u"))], evictions);
        // The pool's own slots are shared by fair share, not by closing every server another worker wants.
        Assert.False(w0.OthersWaitFor("db", "u"));
        var entry = w0.PoolEntry("db", "u");
        Assert.Equal(1L << 1, other.HungryOf(entry));
        // The refusal rolled back the database and user slots it had taken.
        Assert.Equal(1, w1.ServersOfDatabase("db"));
        Assert.Equal(1, w1.ServersOfUser("u"));

        w0.RemoveServer("db", "u");
        Assert.Equal([1L << 1], woken);
        Assert.Equal(ServerSlotStatus.Granted, w1.TryAddServer("db", "u", 0, 0, maxPoolConnections: 1));
    }

    [Fact]
    public void Counters_MaxClientConnAcrossWorkers_Holds()
    {
        using var other = SharedState.Open(_path);
        var w0 = new SharedConnectionCounters(_owner, 0, _ => { }, (_, _) => { });
        var w1 = new SharedConnectionCounters(other, 1, _ => { }, (_, _) => { });
        Assert.True(w0.TryAddClient(2));
        Assert.True(w1.TryAddClient(2));
        Assert.False(w0.TryAddClient(2));
        w1.RemoveClient();
        Assert.True(w0.TryAddClient(2));
        Assert.Equal(2, w1.Clients);
    }
}
