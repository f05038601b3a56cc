// Builds a PoolManager over a fake clock and a hand-driven connector for the pool unit tests.
using Microsoft.Extensions.Time.Testing;
using Pooler.Pools;
using Serilog.Core;

namespace Pooler.Tests.Pools;

internal sealed class PoolTestBed
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeServerConnector Connector { get; } = new();

    public LocalConnectionCounters Counters { get; } = new();

    public PoolManager Manager { get; }

    public PoolTestBed(PoolManagerSettings? settings = null)
    {
        Manager = new PoolManager(Connector, Counters, Time, settings ?? new PoolManagerSettings(), Logger.None);
    }

    public Pool Pool(PoolLimits settings, string database = "db", string user = "u") =>
        Manager.GetOrCreate(new PoolKey(database, user), settings);

    /// <summary>Acquire and log in a fresh server, returning it (the login is completed by the test).</summary>
    public async Task<IPooledServer> AcquireNewAsync(Pool pool)
    {
        var pending = pool.AcquireAsync();
        await Connector.WaitForCallsAsync(1);
        Connector.SucceedNext();
        var result = await pending;
        Assert.Equal(AcquireStatus.Acquired, result.Status);
        return result.Server!;
    }
}
