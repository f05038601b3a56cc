// One timer of a loop. Change/Dispose may be called from any thread; the queue itself is touched only on the loop.
namespace Pooler.Io;

internal sealed class LoopTimer(IoEngine engine, TimerCallback callback, object? state) : ITimer
{
    // Loop-thread state: the deadline in Stopwatch ticks and a version that invalidates older queue entries.
    internal long DueTicks;
    internal long PeriodTicks;
    internal int Version;
    private bool _disposed;

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed) return false;
        // The deadline counts from this call, not from when the loop gets the post: a busy loop must not push
        // another thread's deadline back.
        long due = ToTicks(dueTime);
        if (due >= 0) due += System.Diagnostics.Stopwatch.GetTimestamp();
        long per = ToTicks(period);
        if (engine.IsOnLoopThread) Apply(due, per);
        else engine.Post(static s => { var (t, d, p) = ((LoopTimer, long, long))s!; t.Apply(d, p); }, (this, due, per));
        return true;
    }

    private static long ToTicks(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan || span < TimeSpan.Zero ? -1
            : (long)(span.Ticks * (System.Diagnostics.Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));

    private void Apply(long dueAt, long period)
    {
        Version++;
        if (_disposed || dueAt < 0) return;
        PeriodTicks = period > 0 ? period : 0;
        DueTicks = dueAt;
        engine.Timers.Add(this);
    }

    internal void Fire()
    {
        if (PeriodTicks > 0)
        {
            DueTicks += PeriodTicks;
            Version++;
            engine.Timers.Add(this);
        }
        callback(state);
    }

    public void Dispose()
    {
        _disposed = true;
        if (engine.IsOnLoopThread) Version++;
        else engine.Post(static s => ((LoopTimer)s!).Version++, this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
