// One lazily re-armed timer for an owner with several deadlines: a pool, or a client session's idle/query clock.
namespace Pooler.Pools;

/// <summary>
/// Calls back when the wanted deadline passes. The clock is armed only when a deadline is wanted that is earlier
/// than the one armed; a later or cleared deadline leaves the armed one in place, and when it fires early the timer
/// re-arms itself for the wanted time (or stays disarmed when nothing is wanted). Pushing a deadline back on every
/// message therefore costs no timer operation (the loop's timer queue keeps a stale entry per re-arm until it comes
/// due), at the price of at most one early wake-up per deadline. The owner's callback must re-check its own state:
/// it is a hint that something may be due, not a promise. <see cref="Set"/> with no deadline disarms at once
/// (disarming adds nothing to the queue); <see cref="Clear"/> lets an armed clock fire once and stop, for owners
/// that clear and set again on every request. Loop-thread only (or the test thread of a fake clock).
/// </summary>
internal sealed class DeadlineTimer(TimeProvider time, Action onDue) : IDisposable
{
    private ITimer? _timer;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;
    private bool _disposed;

    /// <summary>True while the clock is armed (possibly for an earlier deadline than the one now wanted).</summary>
    public bool IsArmed => _armedFor != DateTimeOffset.MaxValue;

    /// <summary>The deadline the owner asked for last; <see cref="DateTimeOffset.MaxValue"/> when none.</summary>
    public DateTimeOffset Wanted { get; private set; } = DateTimeOffset.MaxValue;

    public void Set(DateTimeOffset due)
    {
        Wanted = due;
        if (due == DateTimeOffset.MaxValue)
        {
            if (_armedFor != DateTimeOffset.MaxValue)
            {
                _armedFor = DateTimeOffset.MaxValue;
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            return;
        }
        if (_disposed || due >= _armedFor)
            return;
        _armedFor = due;
        var now = time.GetUtcNow();
        var delay = due > now ? due - now : TimeSpan.Zero;
        if (_timer is null)
            _timer = time.CreateTimer(static s => ((DeadlineTimer)s!).Fire(), this, delay, Timeout.InfiniteTimeSpan);
        else
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>No deadline wanted, lazily: an armed clock still wakes once (and does nothing) instead of being re-armed later.</summary>
    public void Clear() => Wanted = DateTimeOffset.MaxValue;

    private void Fire()
    {
        _armedFor = DateTimeOffset.MaxValue;
        if (_disposed)
            return;
        var wanted = Wanted;
        if (wanted == DateTimeOffset.MaxValue)
            return;
        if (wanted > time.GetUtcNow())
        {
            // Fired for a deadline that was pushed back meanwhile: sleep again until the one wanted now.
            Set(wanted);
            return;
        }
        Wanted = DateTimeOffset.MaxValue;
        onDue();
    }

    public void Dispose()
    {
        _disposed = true;
        _armedFor = DateTimeOffset.MaxValue;
        Wanted = DateTimeOffset.MaxValue;
        _timer?.Dispose();
        _timer = null;
    }
}
