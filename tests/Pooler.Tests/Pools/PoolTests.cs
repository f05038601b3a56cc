// Unit tests of Pool: FIFO hand-off, timeouts, reserve, min_pool_size and login failures on a fake clock.
using Pooler.Pools;

namespace Pooler.Tests.Pools;

public sealed class PoolTests
{
    [Fact]
    public async Task AcquireAsync_IdleServer_ReusedWithoutNewLogin()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 5 });
        var first = await bed.AcquireNewAsync(pool);
        pool.Release(first, reusable: true);

        var again = await pool.AcquireAsync();

        Assert.Same(first, again.Server);
        Assert.Equal(1, bed.Connector.Calls);
        Assert.False(pool.TimerArmed);
    }

    [Fact]
    public async Task AcquireAsync_PoolExhausted_WaitersServedFifoOnRelease()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1 });
        var server = await bed.AcquireNewAsync(pool);

        var b = pool.AcquireAsync().AsTask();
        var c = pool.AcquireAsync().AsTask();
        Assert.Equal(2, pool.WaitingCount);
        Assert.Equal(0, bed.Connector.Pending);

        pool.Release(server, reusable: true);
        Assert.Same(server, (await b).Server);
        Assert.False(c.IsCompleted);

        pool.Release(server, reusable: true);
        Assert.Same(server, (await c).Server);
        Assert.Equal(1, bed.Connector.Calls);
    }

    [Fact]
    public async Task AcquireAsync_NoServerWithinQueryWaitTimeout_TimesOut()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1, QueryWaitTimeout = TimeSpan.FromSeconds(120) });
        await bed.AcquireNewAsync(pool);

        var waiting = pool.AcquireAsync().AsTask();
        Assert.True(pool.TimerArmed);
        bed.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.False(waiting.IsCompleted);
        bed.Time.Advance(TimeSpan.FromSeconds(1));

        var result = await waiting;
        Assert.Equal(AcquireStatus.TimedOut, result.Status);
        Assert.Equal("08P01", result.Error!.SqlState);
        Assert.Equal(0, pool.WaitingCount);
        Assert.False(pool.TimerArmed);
    }

    [Fact]
    public async Task AcquireAsync_WaitedReservePoolTimeout_OpensReserveServer()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits
        {
            PoolSize = 1, ReservePoolSize = 1, ReservePoolTimeout = TimeSpan.FromSeconds(5),
        });
        var held = await bed.AcquireNewAsync(pool);

        var waiting = pool.AcquireAsync().AsTask();
        bed.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, bed.Connector.Pending);
        bed.Time.Advance(TimeSpan.FromSeconds(1));
        await bed.Connector.WaitForCallsAsync(1);
        var reserve = bed.Connector.SucceedNext();

        Assert.Same(reserve, (await waiting).Server);
        Assert.Equal(2, pool.ActiveCount);

        // Back to normal: the reserve server is closed when returned with nobody waiting.
        pool.Release(reserve, reusable: true);
        pool.Release(held, reusable: true);
        Assert.Equal(1, pool.ServerCount);
        Assert.NotNull(reserve.ClosedReason);
    }

    [Fact]
    public async Task Release_NotReusable_ClosesServerAndLogsInReplacementForWaiter()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1 });
        var broken = (FakePooledServer)await bed.AcquireNewAsync(pool);
        var waiting = pool.AcquireAsync().AsTask();

        pool.Release(broken, reusable: false);
        Assert.NotNull(broken.ClosedReason);
        await bed.Connector.WaitForCallsAsync(1);
        var fresh = bed.Connector.SucceedNext();

        Assert.Same(fresh, (await waiting).Server);
        Assert.Equal(1, bed.Counters.ServersOfDatabase("db"));
    }

    [Fact]
    public async Task Discard_IdleServerDies_RemovedAndNotHandedOut()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2 });
        var dead = await bed.AcquireNewAsync(pool);
        pool.Release(dead, reusable: true);

        pool.Discard(dead, "EOF");
        Assert.Equal(0, pool.ServerCount);
        Assert.Equal(0, bed.Counters.ServersOfDatabase("db"));

        var next = pool.AcquireAsync().AsTask();
        await bed.Connector.WaitForCallsAsync(1);
        var fresh = bed.Connector.SucceedNext();
        Assert.Same(fresh, (await next).Server);
    }

    [Fact]
    public async Task GetOrCreate_MinPoolSize_WarmsAndReplacesLostServers()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 5, MinPoolSize = 2 });
        await bed.Connector.WaitForCallsAsync(2);
        var a = bed.Connector.SucceedNext();
        bed.Connector.SucceedNext();
        Assert.Equal(2, pool.IdleCount);

        pool.Discard(a, "killed");
        await bed.Connector.WaitForCallsAsync(1);
        bed.Connector.SucceedNext();
        Assert.Equal(2, pool.IdleCount);
        Assert.Equal(3, bed.Connector.Calls);
    }

    [Fact]
    public async Task LoginRejected_WaitersGetErrorAndNewClientsGetItDuringBackoff()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2, ServerLoginRetry = TimeSpan.FromSeconds(15) });
        var error = new PoolError("28P01", "password authentication failed for user \"u\"");
        var a = pool.AcquireAsync().AsTask();
        var b = pool.AcquireAsync().AsTask();
        await bed.Connector.WaitForCallsAsync(2);

        bed.Connector.FailNext(ServerConnectStatus.LoginRejected, error);
        Assert.False(a.IsCompleted); // another login is still in flight
        bed.Connector.FailNext(ServerConnectStatus.LoginRejected, error);

        Assert.Equal(error, (await a).Error);
        Assert.Equal(AcquireStatus.LoginFailed, (await b).Status);

        // During the back-off a new client is answered at once, without a login attempt.
        var during = await pool.AcquireAsync();
        Assert.Equal(AcquireStatus.LoginFailed, during.Status);
        Assert.Equal(2, bed.Connector.Calls);

        // Two failures so far: the back-off doubled to 30 s.
        bed.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(AcquireStatus.LoginFailed, (await pool.AcquireAsync()).Status);
        bed.Time.Advance(TimeSpan.FromSeconds(1));
        var after = pool.AcquireAsync().AsTask();
        await bed.Connector.WaitForCallsAsync(1);
        bed.Connector.SucceedNext();
        Assert.Equal(AcquireStatus.Acquired, (await after).Status);
    }

    [Fact]
    public async Task LoginFailing_PoolHasActiveServer_WaiterKeepsWaitingForIt()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2 });
        var held = await bed.AcquireNewAsync(pool);
        var waiting = pool.AcquireAsync().AsTask();
        await bed.Connector.WaitForCallsAsync(1);

        bed.Connector.FailNext(ServerConnectStatus.HostUnavailable, new PoolError("08006", "connection refused"));
        Assert.False(waiting.IsCompleted);

        pool.Release(held, reusable: true);
        Assert.Same(held, (await waiting).Server);
    }

    [Fact]
    public async Task Shutdown_WaitersFailAndIdleServersClose()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1 });
        var server = (FakePooledServer)await bed.AcquireNewAsync(pool);
        pool.Release(server, reusable: true);
        var other = bed.Pool(new PoolLimits { PoolSize = 1 }, user: "v");
        var held = await bed.AcquireNewAsync(other);
        var waiting = other.AcquireAsync().AsTask();

        bed.Manager.Shutdown();

        Assert.Equal(AcquireStatus.Shutdown, (await waiting).Status);
        Assert.NotNull(server.ClosedReason);
        other.Release(held, reusable: true);
        Assert.Equal(0, other.ServerCount);
        Assert.Equal(0, bed.Counters.ServersOfDatabase("db"));
    }
}
