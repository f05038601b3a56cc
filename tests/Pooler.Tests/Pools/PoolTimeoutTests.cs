// Unit tests of the pool's server-side timeouts on a fake clock: server_idle_timeout, server_lifetime,
// server_check_query/server_check_delay and server_login_retry.
using Pooler.Pools;

namespace Pooler.Tests.Pools;

public sealed class PoolTimeoutTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ServerIdleTimeout_IdleServerPastTimeout_ClosedAndTimerDisarmed()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2, ServerIdleTimeout = TimeSpan.FromSeconds(60) });
        var server = (FakePooledServer)await bed.AcquireNewAsync(pool);
        Assert.False(pool.TimerArmed);

        pool.Release(server, reusable: true);
        Assert.True(pool.TimerArmed);
        bed.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(server.ClosedReason);
        bed.Time.Advance(Second);

        Assert.Equal(Pool.IdleTimeoutReason, server.ClosedReason);
        Assert.True(server.ClosedNotable);
        Assert.Equal(0, pool.ServerCount);
        Assert.Equal(0, bed.Counters.ServersOfDatabase("db"));
        Assert.False(pool.TimerArmed);
    }

    [Fact]
    public async Task ServerIdleTimeout_ReusedMeanwhile_CountsFromLastRelease()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2, ServerIdleTimeout = TimeSpan.FromSeconds(60) });
        var server = (FakePooledServer)await bed.AcquireNewAsync(pool);
        pool.Release(server, reusable: true);
        bed.Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Same(server, (await pool.AcquireAsync()).Server);
        pool.Release(server, reusable: true);

        // The timer armed for the first release fires early, finds the server younger and sleeps again.
        bed.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(server.ClosedReason);
        Assert.True(pool.TimerArmed);
        bed.Time.Advance(Second);
        Assert.Equal(Pool.IdleTimeoutReason, server.ClosedReason);
    }

    [Fact]
    public async Task ServerIdleTimeout_MinPoolSize_KeepsMinimumOpen()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 5, MinPoolSize = 1, ServerIdleTimeout = TimeSpan.FromSeconds(60) });
        await bed.Connector.WaitForCallsAsync(1);
        var warm = bed.Connector.SucceedNext();
        var a = pool.AcquireAsync().AsTask();
        var b = pool.AcquireAsync().AsTask();
        await bed.Connector.WaitForCallsAsync(1);
        var extra = bed.Connector.SucceedNext();
        var first = (await a).Server!;
        var second = (await b).Server!;
        pool.Release(first, reusable: true);
        pool.Release(second, reusable: true);
        Assert.Equal(2, pool.IdleCount);

        bed.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(1, pool.ServerCount);
        Assert.Equal(1, new[] { warm, extra }.Count(s => s.ClosedReason == Pool.IdleTimeoutReason));
        Assert.False(pool.TimerArmed);
        Assert.Equal(2, bed.Connector.Calls);
    }

    [Fact]
    public async Task ServerLifetime_ReleasedAfterLifetime_ClosedAndReplacedForWaiter()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits
        {
            PoolSize = 1, ServerLifetime = TimeSpan.FromSeconds(3600), QueryWaitTimeout = TimeSpan.Zero,
        });
        var old = (FakePooledServer)await bed.AcquireNewAsync(pool);
        var waiting = pool.AcquireAsync().AsTask();
        bed.Time.Advance(TimeSpan.FromSeconds(3600));

        pool.Release(old, reusable: true);

        Assert.Equal(Pool.LifetimeReason, old.ClosedReason);
        await bed.Connector.WaitForCallsAsync(1);
        var fresh = bed.Connector.SucceedNext();
        Assert.Same(fresh, (await waiting).Server);
    }

    [Fact]
    public async Task ServerLifetime_YoungServerReleased_Reused()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1, ServerLifetime = TimeSpan.FromSeconds(3600) });
        var server = (FakePooledServer)await bed.AcquireNewAsync(pool);
        bed.Time.Advance(TimeSpan.FromSeconds(3599));

        pool.Release(server, reusable: true);

        Assert.Null(server.ClosedReason);
        Assert.Same(server, (await pool.AcquireAsync()).Server);
    }

    [Fact]
    public async Task ServerLifetime_IdleServerReachesLifetime_ClosedAndMinPoolSizeRefilled()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2, MinPoolSize = 1, ServerLifetime = TimeSpan.FromSeconds(100) });
        await bed.Connector.WaitForCallsAsync(1);
        var warm = bed.Connector.SucceedNext();
        Assert.True(pool.TimerArmed);

        bed.Time.Advance(TimeSpan.FromSeconds(100));

        Assert.Equal(Pool.LifetimeReason, warm.ClosedReason);
        await bed.Connector.WaitForCallsAsync(1);
        var replacement = bed.Connector.SucceedNext();
        Assert.Equal(1, pool.IdleCount);
        Assert.Null(replacement.ClosedReason);
    }

    [Fact]
    public async Task ServerLifetime_OldestIdleTakenMeanwhile_YoungerClosedAtItsOwnLifetime()
    {
        // The pool keeps a lower bound of the idle servers' connect times, not the exact minimum: when the oldest
        // leaves the idle list the timer may fire early, and must then wait for the next one's lifetime, not close it.
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2, ServerLifetime = TimeSpan.FromSeconds(100), QueryWaitTimeout = TimeSpan.Zero });
        var old = (FakePooledServer)await bed.AcquireNewAsync(pool);
        bed.Time.Advance(TimeSpan.FromSeconds(50));
        var young = (FakePooledServer)await bed.AcquireNewAsync(pool);
        pool.Release(young, reusable: true);
        pool.Release(old, reusable: true);
        Assert.Same(old, (await pool.AcquireAsync()).Server);

        bed.Time.Advance(TimeSpan.FromSeconds(50)); // the old server's lifetime, while a client holds it
        Assert.Null(young.ClosedReason);
        Assert.True(pool.TimerArmed);

        bed.Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(Pool.LifetimeReason, young.ClosedReason);
        Assert.Null(old.ClosedReason);
    }

    [Fact]
    public async Task ServerCheckQuery_IdleLongerThanDelay_CheckedBeforeHandedOut()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2, ServerCheckQuery = "select 1", ServerCheckDelay = TimeSpan.FromSeconds(30) });
        var server = (FakePooledServer)await bed.AcquireNewAsync(pool);
        pool.Release(server, reusable: true);
        bed.Time.Advance(TimeSpan.FromSeconds(30));

        var acquire = pool.AcquireAsync().AsTask();

        Assert.False(acquire.IsCompleted);
        Assert.Equal(["select 1"], server.Checks);
        Assert.Equal(1, pool.ActiveCount);
        server.AnswerCheck(healthy: true);
        Assert.Same(server, (await acquire).Server);
    }

    [Fact]
    public async Task ServerCheckQuery_IdleShorterThanDelay_HandedOutWithoutCheck()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 2, ServerCheckQuery = "select 1", ServerCheckDelay = TimeSpan.FromSeconds(30) });
        var server = (FakePooledServer)await bed.AcquireNewAsync(pool);
        pool.Release(server, reusable: true);
        bed.Time.Advance(TimeSpan.FromSeconds(29));

        var result = await pool.AcquireAsync();

        Assert.Same(server, result.Server);
        Assert.Empty(server.Checks);
    }

    [Fact]
    public async Task ServerCheckQuery_CheckFails_ServerClosedAndClientGetsFreshOne()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1, ServerCheckQuery = "select 1", ServerCheckDelay = TimeSpan.Zero });
        var stale = (FakePooledServer)await bed.AcquireNewAsync(pool);
        pool.Release(stale, reusable: true);

        var acquire = pool.AcquireAsync().AsTask();
        stale.AnswerCheck(healthy: false);

        Assert.Equal(Pool.CheckFailedReason, stale.ClosedReason);
        await bed.Connector.WaitForCallsAsync(1);
        var fresh = bed.Connector.SucceedNext();
        Assert.Same(fresh, (await acquire).Server);
        Assert.Equal(1, pool.ServerCount);
    }

    [Fact]
    public async Task ServerCheckQuery_Disabled_NeverChecks()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1, ServerCheckQuery = null, ServerCheckDelay = TimeSpan.Zero });
        var server = (FakePooledServer)await bed.AcquireNewAsync(pool);
        pool.Release(server, reusable: true);
        bed.Time.Advance(TimeSpan.FromHours(1));

        Assert.Same(server, (await pool.AcquireAsync()).Server);
        Assert.Empty(server.Checks);
    }

    [Fact]
    public async Task ServerLoginRetry_HostUnavailable_NextLoginOnlyAfterRetryDelay()
    {
        var bed = new PoolTestBed();
        var pool = bed.Pool(new PoolLimits { PoolSize = 1, MinPoolSize = 1, ServerLoginRetry = TimeSpan.FromSeconds(15) });
        await bed.Connector.WaitForCallsAsync(1);
        bed.Connector.FailNext(ServerConnectStatus.HostUnavailable, new PoolError("08006", "connection refused"));
        Assert.True(pool.TimerArmed);

        bed.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(1, bed.Connector.Calls);
        bed.Time.Advance(Second);

        await bed.Connector.WaitForCallsAsync(1);
        bed.Connector.SucceedNext();
        Assert.Equal(1, pool.IdleCount);
        Assert.False(pool.TimerArmed);
    }
}
