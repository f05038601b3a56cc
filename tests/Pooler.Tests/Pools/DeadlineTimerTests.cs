// DeadlineTimer on a fake clock: fires once when due, re-arms lazily when pushed back, stays quiet when cleared.
using Microsoft.Extensions.Time.Testing;
using Pooler.Pools;

namespace Pooler.Tests.Pools;

public sealed class DeadlineTimerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private int _fired;

    private DeadlineTimer Create() => new(_time, () => _fired++);

    [Fact]
    public void Set_DeadlinePasses_FiresOnceAndDisarms()
    {
        using var timer = Create();
        timer.Set(_time.GetUtcNow() + TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, _fired);
        _time.Advance(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(100));

        Assert.Equal(1, _fired);
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void Set_PushedBack_FiresAtTheLaterDeadline()
    {
        using var timer = Create();
        timer.Set(_time.GetUtcNow() + TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(5));
        timer.Set(_time.GetUtcNow() + TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, _fired);
        Assert.True(timer.IsArmed);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, _fired);
    }

    [Fact]
    public void Set_Earlier_FiresAtTheEarlierDeadline()
    {
        using var timer = Create();
        timer.Set(_time.GetUtcNow() + TimeSpan.FromSeconds(60));
        timer.Set(_time.GetUtcNow() + TimeSpan.FromSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, _fired);
    }

    [Fact]
    public void Clear_BeforeDue_NeverFiresAndEndsDisarmed()
    {
        using var timer = Create();
        timer.Set(_time.GetUtcNow() + TimeSpan.FromSeconds(10));
        timer.Clear();

        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(0, _fired);
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void Set_NoDeadline_DisarmsAtOnce()
    {
        using var timer = Create();
        timer.Set(_time.GetUtcNow() + TimeSpan.FromSeconds(10));

        timer.Set(DateTimeOffset.MaxValue);

        Assert.False(timer.IsArmed);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, _fired);
    }
}
