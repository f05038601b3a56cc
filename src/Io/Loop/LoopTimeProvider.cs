// The engine's TimeProvider: timers fire on the loop thread and are kept in the loop's own timer queue, so the
// loop sleeps exactly until the nearest armed deadline (no periodic tick).
namespace Pooler.Io;

internal sealed class LoopTimeProvider(IoEngine engine) : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new LoopTimer(engine, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }
}
