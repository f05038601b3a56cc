// The one timer of a pool: armed for its nearest deadline only while a client waits or a warm-up is held back.
namespace Pooler.Pools;

internal sealed partial class Pool
{
    private ITimer? _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;

    /// <summary>query_wait_timeout error text, as PgBouncer words it.</summary>
    internal static readonly PoolError QueryWaitTimeoutError = new("08P01", "query_wait_timeout");

    private DateTimeOffset NextDeadline(DateTimeOffset now)
    {
        var due = DateTimeOffset.MaxValue;
        if (_waiters.First is { } first)
        {
            var since = first.Value.EnqueuedAt;
            if (!_reserveOpen && Settings.ReservePoolSize > 0)
                due = Min(due, since + Settings.ReservePoolTimeout);
            if (Settings.QueryWaitTimeout > TimeSpan.Zero)
                due = Min(due, since + Settings.QueryWaitTimeout);
        }
        if (!_shutdown && (_waiters.Count > 0 || ServerCount < Settings.MinPoolSize))
        {
            var blocked = LoginBlockedUntil(now);
            if (blocked > now)
                due = Min(due, blocked);
        }
        return due;
    }

    private void ArmTimer()
    {
        var now = _manager.Time.GetUtcNow();
        var due = _shutdown ? DateTimeOffset.MaxValue : NextDeadline(now);
        if (due == _timerDue)
            return;
        _timerDue = due;
        if (due == DateTimeOffset.MaxValue)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var delay = due > now ? due - now : TimeSpan.Zero;
        if (_timer is null)
            _timer = _manager.Time.CreateTimer(static s => ((Pool)s!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
        else
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void DisarmTimer()
    {
        _timer?.Dispose();
        _timer = null;
        _timerDue = DateTimeOffset.MaxValue;
    }

    private void OnTimer()
    {
        _timerDue = DateTimeOffset.MaxValue;
        if (_shutdown)
            return;
        var now = _manager.Time.GetUtcNow();
        var wait = Settings.QueryWaitTimeout;
        while (wait > TimeSpan.Zero && _waiters.First is { } first && first.Value.EnqueuedAt + wait <= now)
        {
            _waiters.RemoveFirst();
            first.Value.Complete(AcquireResult.Failed(AcquireStatus.TimedOut, _lastLoginError ?? QueryWaitTimeoutError));
        }
        if (_waiters.Count == 0)
            _reserveOpen = false;
        else if (!_reserveOpen && Settings.ReservePoolSize > 0 && _waiters.First!.Value.EnqueuedAt + Settings.ReservePoolTimeout <= now)
            _reserveOpen = true;
        Launch();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
