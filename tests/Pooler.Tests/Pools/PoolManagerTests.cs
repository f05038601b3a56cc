// Unit tests of PoolManager: global limits, eviction between pools and the per-host login throttle.
using Pooler.Pools;

namespace Pooler.Tests.Pools;

public sealed class PoolManagerTests
{
    [Fact]
    public void TryAdmitClient_MaxClientConnReached_RefusesUntilOneLeaves()
    {
        var bed = new PoolTestBed(new PoolManagerSettings { MaxClientConn = 2 });

        Assert.True(bed.Manager.TryAdmitClient());
        Assert.True(bed.Manager.TryAdmitClient());
        Assert.False(bed.Manager.TryAdmitClient());
        bed.Manager.RemoveClient();
        Assert.True(bed.Manager.TryAdmitClient());
    }

    [Fact]
    public async Task Acquire_MaxDbConnectionsWithIdleSibling_EvictsSiblingIdleServer()
    {
        var bed = new PoolTestBed();
        var settings = new PoolLimits { PoolSize = 5, MaxDbConnections = 1 };
        var p1 = bed.Pool(settings, user: "a");
        var p2 = bed.Pool(settings, user: "b");
        var s1 = (FakePooledServer)await bed.AcquireNewAsync(p1);
        p1.Release(s1, reusable: true);

        var s2 = await bed.AcquireNewAsync(p2);

        Assert.NotNull(s1.ClosedReason);
        Assert.Equal(0, p1.ServerCount);
        Assert.NotSame(s1, s2);
        Assert.Equal(1, bed.Counters.ServersOfDatabase("db"));
    }

    [Fact]
    public async Task Acquire_MaxDbConnectionsAllBusy_WaitsThenGetsSlotWhenSiblingReleases()
    {
        var bed = new PoolTestBed();
        var settings = new PoolLimits { PoolSize = 5, MaxDbConnections = 1 };
        var p1 = bed.Pool(settings, user: "a");
        var p2 = bed.Pool(settings, user: "b");
        var s1 = (FakePooledServer)await bed.AcquireNewAsync(p1);

        var waiting = p2.AcquireAsync().AsTask();
        Assert.Equal(0, bed.Connector.Pending);

        p1.Release(s1, reusable: true); // nobody waits in p1, but p2 is held back: s1 closes to free the slot
        Assert.NotNull(s1.ClosedReason);
        await bed.Connector.WaitForCallsAsync(1);
        bed.Connector.SucceedNext();
        Assert.Equal(AcquireStatus.Acquired, (await waiting).Status);
        Assert.Equal(1, bed.Counters.ServersOfDatabase("db"));
    }

    [Fact]
    public async Task Acquire_MaxUserConnections_LimitsAcrossDatabases()
    {
        var bed = new PoolTestBed();
        var settings = new PoolLimits { PoolSize = 5, MaxUserConnections = 1 };
        var p1 = bed.Pool(settings, database: "d1");
        var p2 = bed.Pool(settings, database: "d2");
        await bed.AcquireNewAsync(p1);

        var waiting = p2.AcquireAsync().AsTask();

        Assert.Equal(0, bed.Connector.Pending);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, bed.Counters.ServersOfUser("u"));
    }

    [Fact]
    public async Task Logins_MaxServerConnectsPerHost_AtMostNInFlightFifo()
    {
        var bed = new PoolTestBed(new PoolManagerSettings { MaxServerConnectsPerHost = 2 });
        var p1 = bed.Pool(new PoolLimits { PoolSize = 10 }, user: "a");
        var p2 = bed.Pool(new PoolLimits { PoolSize = 10 }, user: "b");
        var waiters = new List<Task<AcquireResult>>();
        for (var i = 0; i < 3; i++)
            waiters.Add(p1.AcquireAsync().AsTask());
        for (var i = 0; i < 2; i++)
            waiters.Add(p2.AcquireAsync().AsTask());

        await bed.Connector.WaitForCallsAsync(2);
        Assert.Equal(2, bed.Connector.Pending);
        Assert.Equal(3, bed.Manager.GateFor("127.0.0.1:5432").Queued);

        for (var done = 0; done < 5; done++)
        {
            if (done > 0)
                await bed.Connector.WaitForCallsAsync(done <= 3 ? 1 : 0);
            Assert.True(bed.Connector.Pending <= 2);
            bed.Connector.SucceedNext();
        }

        foreach (var w in waiters)
            Assert.Equal(AcquireStatus.Acquired, (await w).Status);
        Assert.Equal(5, bed.Connector.Calls);
    }

    [Fact]
    public async Task HostUnavailable_QueuedLoginsBackOffAndEveryPoolOfHostFails()
    {
        var bed = new PoolTestBed(new PoolManagerSettings { MaxServerConnectsPerHost = 1 });
        var settings = new PoolLimits { PoolSize = 10, ServerLoginRetry = TimeSpan.FromSeconds(1) };
        var p1 = bed.Pool(settings, user: "a");
        var p2 = bed.Pool(settings, user: "b");
        var a = p1.AcquireAsync().AsTask();
        var b = p2.AcquireAsync().AsTask();
        await bed.Connector.WaitForCallsAsync(1);

        var error = new PoolError("08006", "connection refused");
        bed.Connector.FailNext(ServerConnectStatus.HostUnavailable, error);

        Assert.Equal(error, (await a).Error);
        Assert.Equal(error, (await b).Error);
        Assert.Equal(1, bed.Connector.Calls); // the queued login never tried the unreachable host

        // After the back-off the next client tries again.
        bed.Time.Advance(TimeSpan.FromSeconds(1));
        var c = p1.AcquireAsync().AsTask();
        await bed.Connector.WaitForCallsAsync(1);
        bed.Connector.SucceedNext();
        Assert.Equal(AcquireStatus.Acquired, (await c).Status);
    }
}
