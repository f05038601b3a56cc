// Opening new servers for a pool: how many, within which limits, and what a finished login does.
namespace Pooler.Pools;

internal sealed partial class Pool
{
    /// <summary>When logins may start again: the later of this pool's and its host's back-off.</summary>
    private DateTimeOffset LoginBlockedUntil(DateTimeOffset now)
    {
        var gate = _manager.GateFor(Settings.HostKey);
        var until = _loginBackoff.NotBefore;
        if (gate.Backoff.NotBefore > until)
            until = gate.Backoff.NotBefore;
        return until;
    }

    /// <summary>
    /// Start logins for waiters not yet covered by one in flight, and to reach min_pool_size, within pool_size
    /// (plus the reserve once opened) and the global limits. Idempotent: safe to call after any change.
    /// </summary>
    internal void Launch()
    {
        if (_shutdown || IsPaused)
            return;
        var now = _manager.Time.GetUtcNow();
        if (LoginBlockedUntil(now) <= now)
        {
            var need = Math.Max(_waiters.Count - LoginCount, Settings.MinPoolSize - ServerCount);
            while (need > 0)
            {
                var limit = Settings.PoolSize + (_reserveOpen ? Settings.ReservePoolSize : 0);
                if (ServerCount >= limit || !_manager.TryTakeServerSlot(this))
                    break;
                LoginCount++;
                need--;
                _manager.StartLogin(this);
            }
            if (need <= 0)
                NoteSatisfied(); // every waiter has a server coming: stop claiming a share of other workers' slots
        }
        ArmTimer();
    }

    /// <summary>A login this pool started has finished (the host-level bookkeeping is already done).</summary>
    internal void OnLoginCompleted(ServerConnectResult result)
    {
        LoginCount--;
        if (result.Status == ServerConnectStatus.Connected && result.Server is { } server)
        {
            _loginBackoff.RecordSuccess();
            _lastLoginError = null;
            server.ConnectedAt = _manager.Time.GetUtcNow();
            if (_shutdown)
            {
                Drop(server, ShutdownReason);
                return;
            }
            Hand(server, justLoggedIn: true);
            return;
        }

        _manager.ReleaseServerSlot(this, wake: true);
        _lastLoginError = result.Error ?? new PoolError("08006", "server login failed");
        if (result.Status == ServerConnectStatus.LoginRejected)
            _loginBackoff.RecordFailure(_manager.Time.GetUtcNow(), Settings.ServerLoginRetry, Settings.LoginRetryCap);
        OnLoginFailing(_lastLoginError);
    }

    /// <summary>
    /// Logins to this pool's host are failing: with no server left that could be released, waiting clients get the
    /// error now instead of hanging; with servers in use they keep waiting for those (up to query_wait_timeout).
    /// </summary>
    internal void OnLoginFailing(PoolError error)
    {
        _lastLoginError = error;
        if (ServerCount == 0)
            FailWaiters(AcquireStatus.LoginFailed, error);
        Launch();
    }
}
