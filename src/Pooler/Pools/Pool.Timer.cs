// The one timer of a pool: armed for its nearest deadline only while a client waits, a warm-up is held back, or an
// idle server can reach server_idle_timeout / server_lifetime.
namespace Pooler.Pools;

internal sealed partial class Pool
{
    private DeadlineTimer? _deadline;

    /// <summary>query_wait_timeout error text, as PgBouncer words it.</summary>
    internal static readonly PoolError QueryWaitTimeoutError = new("08P01", "query_wait_timeout");

    /// <summary>Why idle servers are closed by the pool's own timeouts (PgBouncer's log wording).</summary>
    internal const string IdleTimeoutReason = "server idle timeout";

    internal const string LifetimeReason = "server lifetime over";

    // A lower bound of the idle servers' ConnectedAt: lowered when one is parked, made exact when the timer runs.
    // The deadline it gives is never late, at worst early (the timer then finds nothing due and re-arms), and it
    // spares a scan of every idle server each time one is handed back.
    private DateTimeOffset _idleConnectedFloor = DateTimeOffset.MaxValue;

    private void NoteParkedIdle(IPooledServer server)
    {
        if (server.ConnectedAt < _idleConnectedFloor)
            _idleConnectedFloor = server.ConnectedAt;
    }

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
        if (_idle.Count > 0)
        {
            // The idle list is in release order, so its bottom entry has been idle longest.
            if (Settings.ServerIdleTimeout > TimeSpan.Zero && ServerCount > Settings.MinPoolSize)
                due = Min(due, _idle[0].IdleSince + Settings.ServerIdleTimeout);
            if (Settings.ServerLifetime > TimeSpan.Zero && _idleConnectedFloor != DateTimeOffset.MaxValue)
                due = Min(due, _idleConnectedFloor + Settings.ServerLifetime);
        }
        else
        {
            _idleConnectedFloor = DateTimeOffset.MaxValue;
        }
        return Min(due, HandOverDue());
    }

    private void ArmTimer()
    {
        if (_shutdown)
            return;
        var due = NextDeadline(_manager.Time.GetUtcNow());
        if (due == DateTimeOffset.MaxValue && _deadline is null)
            return;
        (_deadline ??= new DeadlineTimer(_manager.Time, OnTimer)).Set(due);
    }

    private void DisarmTimer()
    {
        _deadline?.Dispose();
        _deadline = null;
    }

    private void OnTimer()
    {
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
        CloseExpiredIdle(now);
        HandOverIdle(now);
        Launch();
    }

    /// <summary>
    /// Close idle servers past server_lifetime (Launch replaces them up to min_pool_size) and, oldest first, those
    /// idle past server_idle_timeout while the pool holds more than min_pool_size.
    /// </summary>
    private void CloseExpiredIdle(DateTimeOffset now)
    {
        if (Settings.ServerLifetime > TimeSpan.Zero)
        {
            for (var i = _idle.Count - 1; i >= 0; i--)
            {
                var server = _idle[i];
                if (server.ConnectedAt + Settings.ServerLifetime > now)
                    continue;
                _idle.RemoveAt(i);
                Drop(server, LifetimeReason, notable: true);
            }
        }
        var idleTimeout = Settings.ServerIdleTimeout;
        while (idleTimeout > TimeSpan.Zero && _idle.Count > 0 && ServerCount > Settings.MinPoolSize
            && _idle[0].IdleSince + idleTimeout <= now)
        {
            var server = _idle[0];
            _idle.RemoveAt(0);
            Drop(server, IdleTimeoutReason, notable: true);
        }
        _idleConnectedFloor = DateTimeOffset.MaxValue;
        foreach (var server in _idle)
            NoteParkedIdle(server);
    }

    /// <summary>server_lifetime: a server connected longer than this is closed instead of reused.</summary>
    private bool LifetimeOver(IPooledServer server, DateTimeOffset now) =>
        Settings.ServerLifetime > TimeSpan.Zero && server.ConnectedAt + Settings.ServerLifetime <= now;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
