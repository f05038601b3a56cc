// One pool of server connections for a (database, user): idle/active/login lists and the FIFO of waiting clients.
namespace Pooler.Pools;

/// <summary>
/// Moves servers between the idle and active lists and hands them to waiting clients in arrival order. Every
/// method runs on the event-loop thread, so there are no locks; waiters are completed asynchronously so no client
/// code runs inside a pool method.
/// </summary>
internal sealed partial class Pool
{
    private readonly PoolManager _manager;

    // LIFO: the most recently used server is reused first, so the rarely used ones can age out.
    private readonly List<IPooledServer> _idle = [];
    private readonly HashSet<IPooledServer> _active = [];
    private readonly LinkedList<PoolWaiter> _waiters = new();
    private readonly Backoff _loginBackoff = new();
    private PoolError? _lastLoginError;
    private bool _reserveOpen;
    private bool _shutdown;

    public Pool(PoolManager manager, PoolKey key, PoolLimits settings)
    {
        _manager = manager;
        Key = key;
        Settings = settings;
    }

    public PoolKey Key { get; }

    public PoolLimits Settings { get; private set; }

    /// <summary>The ParameterStatus set of the first server login (here or, through the supervisor, in another worker),
    /// shown to clients that log in before they get a server.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? ServerParameters { get; private set; }

    /// <summary>This worker's first server login of the pool saw <paramref name="parameters"/>: keep them and tell the
    /// manager (which passes them to the other workers, so their first client need not wait for a slot to log in).</summary>
    public void LearnServerParameters(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (ServerParameters is not null)
            return;
        ServerParameters = parameters;
        _manager.OnServerParametersLearned(this);
    }

    /// <summary>Another worker's first login of this pool saw <paramref name="parameters"/>.</summary>
    internal void AdoptServerParameters(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        ServerParameters ??= parameters;

    public int IdleCount => _idle.Count;

    public int ActiveCount => _active.Count;

    public int LoginCount { get; private set; }

    public int WaitingCount => _waiters.Count;

    /// <summary>Every server this pool holds or is logging in: what pool_size limits.</summary>
    public int ServerCount => _idle.Count + _active.Count + _beingCanceled.Count + LoginCount;

    public PoolError? LastLoginError => _lastLoginError;

    /// <summary>True once the pooler shuts down: servers closing now are closed by us, not lost.</summary>
    public bool IsShutdown => _shutdown;

    /// <summary>Why servers are closed at shutdown; one wording for every path that closes them.</summary>
    internal const string ShutdownReason = "pooler shutdown";

    /// <summary>True while the pool's timer is armed (tests check that an idle pool arms nothing).</summary>
    internal bool TimerArmed => _deadline?.IsArmed == true;

    /// <summary>
    /// Get a server: an idle one at once, else wait FIFO until one is released or logged in, query_wait_timeout
    /// passes, or logins fail while the pool has no server at all. Cancelling <paramref name="ct"/> takes the waiter
    /// out of the queue at once (status <see cref="AcquireStatus.Cancelled"/>); it must be cancelled on the loop thread.
    /// </summary>
    public ValueTask<AcquireResult> AcquireAsync(CancellationToken ct = default)
    {
        if (ct.IsCancellationRequested)
            return ValueTask.FromResult(AcquireResult.Failed(AcquireStatus.Cancelled, null));
        if (_shutdown)
            return ValueTask.FromResult(AcquireResult.Failed(AcquireStatus.Shutdown, null));

        var now = _manager.Time.GetUtcNow();
        // Waiters imply no idle server (a freed server goes to the first waiter), so taking one is fair.
        while (_waiters.Count == 0 && _idle.Count > 0 && !IsPaused)
        {
            var server = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            if (!server.IsUsable)
            {
                Drop(server, "found dead in the idle list");
                continue;
            }
            if (LifetimeOver(server, now))
            {
                // The pool's timer would have closed it soon; do it now rather than hand out an expired server.
                Drop(server, LifetimeReason, notable: true);
                continue;
            }
            _active.Add(server);
            if (NeedsCheck(server, now))
                return CheckThenHandAsync(server, ct);
            return ValueTask.FromResult(AcquireResult.Acquired(server));
        }

        if (ServerCount == 0 && _lastLoginError is not null && LoginBlockedUntil(now) > now)
        {
            // PgBouncer's "server login has been failing": answer at once rather than park the client for the back-off.
            return ValueTask.FromResult(AcquireResult.Failed(AcquireStatus.LoginFailed, _lastLoginError));
        }

        var waiter = new PoolWaiter(now);
        waiter.Node = _waiters.AddLast(waiter);
        if (ct.CanBeCanceled)
            waiter.Registration = ct.Register(() => CancelWait(waiter));
        Launch();
        return new ValueTask<AcquireResult>(waiter.Task);
    }

    /// <summary>A waiter gave up: leave the queue (logins already started for it go on and park their server idle).</summary>
    private void CancelWait(PoolWaiter waiter)
    {
        if (waiter.Node is not { List: not null } node)
            return;
        _waiters.Remove(node);
        waiter.Complete(AcquireResult.Failed(AcquireStatus.Cancelled, null));
        if (_waiters.Count == 0)
            _reserveOpen = false;
        ArmTimer();
    }

    /// <summary>
    /// Give back a server a client was using. <paramref name="reusable"/> is false when its state is unknown (lost
    /// mid-transaction, reset failed); such a server is closed instead of reused.
    /// </summary>
    public void Release(IPooledServer server, bool reusable)
    {
        if (!_active.Remove(server))
            return;
        if (reusable && HoldForCancel(server))
            return;
        Return(server, reusable);
    }

    /// <summary>A released server goes on: closed when it cannot serve again, else to a waiter or the idle list.</summary>
    private void Return(IPooledServer server, bool reusable = true)
    {
        if (!reusable || !server.IsUsable || _shutdown)
        {
            Drop(server, _shutdown ? ShutdownReason : "released unusable");
            Launch();
            return;
        }
        if (LifetimeOver(server, _manager.Time.GetUtcNow()))
        {
            // server_lifetime is checked here, when the server comes back; a replacement logs in if clients need one.
            Drop(server, LifetimeReason, notable: true);
            Launch();
            return;
        }
        Hand(server);
    }

    /// <summary>A server died or must go (idle or active): remove it and open a replacement if clients need one.</summary>
    public void Discard(IPooledServer server, string reason)
    {
        if (_active.Remove(server) || _idle.Remove(server) || _beingCanceled.Remove(server))
        {
            Drop(server, reason);
            Launch();
        }
    }

    /// <summary>New limits after a configuration reload; existing servers stay until released.</summary>
    public void UpdateSettings(PoolLimits settings)
    {
        Settings = settings;
        // A larger pool_size may leave room in the shared entry that refused this pool: ask it again now rather than
        // wait for a wake-up that nothing would send (another worker's waiter then hung until query_wait_timeout).
        HeldBackShared = false;
        Launch();
    }

    /// <summary>Close idle servers and fail waiters; servers in use are closed when their clients release them.</summary>
    public void Shutdown()
    {
        _shutdown = true;
        FailWaiters(AcquireStatus.Shutdown, null);
        while (_idle.Count > 0)
        {
            var server = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            Drop(server, ShutdownReason);
        }
        DisarmTimer();
    }

    /// <summary>Close one idle server so another pool of the same database or user can open one (max_db_connections).</summary>
    internal bool EvictOneIdle(string reason = "evicted for another pool (max_db_connections / max_user_connections)",
        bool notable = false)
    {
        if (_idle.Count == 0)
            return false;
        // The least recently used one: it sits at the bottom of the LIFO.
        var server = _idle[0];
        _idle.RemoveAt(0);
        server.Close(reason, notable);
        _manager.ReleaseServerSlot(this, wake: false);
        Launch();
        return true;
    }

    /// <summary>Give a free server to the first waiter, or park it idle (closing it if the reserve made the pool too big).</summary>
    /// <param name="justLoggedIn">A login this pool started for its waiters: the shared entry granted the slot for
    /// them a moment ago, so it serves one before any fair-share yield (giving it straight back when the login took
    /// longer than the starvation hysteresis made both workers' clients wait another round).</param>
    private void Hand(IPooledServer server, bool justLoggedIn = false)
    {
        if (ClosesOnHand(server) is { } adminReason)
        {
            Drop(server, adminReason);
            Launch();
            return;
        }
        if (!server.IsUsable)
        {
            Drop(server, "lost before reuse");
            Launch();
            return;
        }
        if (!(justLoggedIn && _waiters.Count > 0) && YieldsToOtherWorker())
        {
            Drop(server, "handed over to another worker (its fair share of the pool)");
            Launch();
            return;
        }
        if (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            NoteServed();
            _active.Add(server);
            Stats.AddWait(first.Value.EnqueuedAt, _manager.Time.GetUtcNow());
            first.Value.Complete(AcquireResult.Acquired(server));
            if (_waiters.Count == 0)
            {
                _reserveOpen = false;
                NoteSatisfied();
            }
            ArmTimer();
            return;
        }
        _reserveOpen = false;
        if (ServerCount + 1 > Settings.PoolSize && ServerCount + 1 > Settings.MinPoolSize)
        {
            Drop(server, "reserve server no longer needed");
            return;
        }
        if (_manager.IsSiblingHeldBack(this))
        {
            // Another pool of this database/user waits for a global slot: this idle server is worth more closed.
            Drop(server, "closed to make room for another pool (max_db_connections / max_user_connections)");
            return;
        }
        server.IdleSince = _manager.Time.GetUtcNow();
        _idle.Add(server);
        NoteParkedIdle(server);
        ArmTimer();
    }

    /// <summary>Close a server the pool no longer holds; <paramref name="notable"/> closes (timeouts) are logged at Information.</summary>
    private void Drop(IPooledServer server, string reason, bool notable = false)
    {
        server.Close(reason, notable);
        _manager.ReleaseServerSlot(this, wake: true);
        OnDropped(server);
    }

    private void FailWaiters(AcquireStatus status, PoolError? error)
    {
        while (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            first.Value.Complete(AcquireResult.Failed(status, error));
        }
        _reserveOpen = false;
    }
}
