// BurstCollector: one GC once a large enough burst of connection events has been quiet for a while, never a tick.
using Microsoft.Extensions.Time.Testing;
using Pooler.Hosting;

namespace Pooler.Tests.Hosting;

public sealed class BurstCollectorTests
{
    [Fact]
    public void OnConnectionEvent_BurstThenQuiet_CollectsOnce()
    {
        var time = new FakeTimeProvider();
        var collector = new BurstCollector(time);

        for (var i = 0; i < BurstCollector.MinEvents; i++)
            collector.OnConnectionEvent();
        time.Advance(BurstCollector.Quiet);
        time.Advance(BurstCollector.Quiet * 10);

        Assert.Equal(1, collector.Collections);
    }

    [Fact]
    public void OnConnectionEvent_EventsKeepComing_WaitsForQuiet()
    {
        var time = new FakeTimeProvider();
        var collector = new BurstCollector(time);

        for (var i = 0; i < BurstCollector.MinEvents; i++)
            collector.OnConnectionEvent();
        for (var round = 0; round < 5; round++)
        {
            time.Advance(BurstCollector.Quiet / 2);
            collector.OnConnectionEvent();
            time.Advance(BurstCollector.Quiet / 2);
            Assert.Equal(0, collector.Collections);
        }
        time.Advance(BurstCollector.Quiet);

        Assert.Equal(1, collector.Collections);
    }

    [Fact]
    public void OnConnectionEvent_FewEvents_NeverCollects()
    {
        var time = new FakeTimeProvider();
        var collector = new BurstCollector(time);

        for (var i = 0; i < BurstCollector.MinEvents - 1; i++)
            collector.OnConnectionEvent();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, collector.Collections);
    }
}
