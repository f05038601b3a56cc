// The per-address failed-login back-off: spacing, queuing of parallel attempts, reset, forgetting, memory bound.
using Microsoft.Extensions.Time.Testing;
using Pooler.Auth;

namespace Pooler.Tests.Auth;

public sealed class LoginBackoffTests
{
    private readonly FakeTimeProvider _time = new();

    private LoginBackoff Make(int maxEntries = 100) => new(_time)
    {
        Base = TimeSpan.FromMilliseconds(10),
        Cap = TimeSpan.FromMilliseconds(80),
        ForgetAfter = TimeSpan.FromMinutes(1),
        MaxEntries = maxEntries,
    };

    [Fact]
    public void ReserveTurn_NoFailures_NoWait()
    {
        var b = Make();

        Assert.Equal(TimeSpan.Zero, b.ReserveTurn("10.0.0.1"));
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public void DelayFor_DoublesUpToCap()
    {
        var b = Make();

        Assert.Equal([0, 10, 20, 40, 80, 80, 80], Enumerable.Range(0, 7).Select(n => (int)b.DelayFor(n).TotalMilliseconds));
    }

    [Fact]
    public void ReserveTurn_AfterFailures_SequentialAttemptWaitsCurrentDelay()
    {
        var b = Make();

        b.RecordFailure("10.0.0.1");
        Assert.Equal(TimeSpan.FromMilliseconds(10), b.ReserveTurn("10.0.0.1"));
        _time.Advance(TimeSpan.FromMilliseconds(10));
        b.RecordFailure("10.0.0.1");

        Assert.Equal(TimeSpan.FromMilliseconds(20), b.ReserveTurn("10.0.0.1"));
    }

    [Fact]
    public void ReserveTurn_ParallelAttempts_QueueBehindEachOther()
    {
        var b = Make();
        for (var i = 0; i < 4; i++)
            b.RecordFailure("10.0.0.1");

        var waits = Enumerable.Range(0, 3).Select(_ => (int)b.ReserveTurn("10.0.0.1").TotalMilliseconds).ToList();

        Assert.Equal([80, 160, 240], waits);
    }

    [Fact]
    public void ReserveTurn_OtherAddress_Unaffected()
    {
        var b = Make();
        for (var i = 0; i < 10; i++)
            b.RecordFailure("10.0.0.1");

        Assert.Equal(TimeSpan.Zero, b.ReserveTurn("10.0.0.2"));
    }

    [Fact]
    public void RecordSuccess_ClearsAddress()
    {
        var b = Make();
        b.RecordFailure("10.0.0.1");
        b.RecordFailure("10.0.0.1");

        b.RecordSuccess("10.0.0.1");

        Assert.Equal(0, b.FailuresOf("10.0.0.1"));
        Assert.Equal(TimeSpan.Zero, b.ReserveTurn("10.0.0.1"));
    }

    [Fact]
    public void Failures_ForgottenAfterQuietPeriod()
    {
        var b = Make();
        b.RecordFailure("10.0.0.1");

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(0, b.FailuresOf("10.0.0.1"));
        Assert.Equal(TimeSpan.Zero, b.ReserveTurn("10.0.0.1"));
    }

    [Fact]
    public void RecordFailure_ManyAddresses_TableStaysBounded()
    {
        var b = Make(maxEntries: 50);

        for (var i = 0; i < 1000; i++)
        {
            b.RecordFailure($"10.0.{i / 256}.{i % 256}");
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(b.Count <= 50, $"{b.Count} entries");
        // The newest address is kept, the oldest went first.
        Assert.Equal(1, b.FailuresOf("10.0.3.231"));
        Assert.Equal(0, b.FailuresOf("10.0.0.0"));
    }
}
