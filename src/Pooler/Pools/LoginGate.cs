// Per-host login throttle (max_server_connects_per_host, FIFO) and host back-off after an unreachable host.
namespace Pooler.Pools;

/// <summary>
/// At most <c>max_server_connects_per_host</c> logins run at once against one host; more wait FIFO. A failed
/// login to an unreachable host starts a doubling back-off: queued logins are then answered
/// <see cref="LoginGateStatus.BackingOff"/> instead of trying, so a restart does not turn into a login storm.
/// Loop-thread only.
/// </summary>
internal sealed class LoginGate(string hostKey, int maxInFlight)
{
    private readonly Queue<TaskCompletionSource<LoginGateStatus>> _queue = new();
    private bool _shutdown;

    public string HostKey { get; } = hostKey;

    public int InFlight { get; private set; }

    public int Queued => _queue.Count;

    public Backoff Backoff { get; } = new();

    /// <summary>The error of the last failed login to this host, for clients who wait during the back-off.</summary>
    public PoolError? LastError { get; private set; }

    public ValueTask<LoginGateStatus> EnterAsync(DateTimeOffset now)
    {
        if (_shutdown)
            return ValueTask.FromResult(LoginGateStatus.Shutdown);
        if (Backoff.IsActive(now))
            return ValueTask.FromResult(LoginGateStatus.BackingOff);
        if (maxInFlight <= 0 || InFlight < maxInFlight)
        {
            InFlight++;
            return ValueTask.FromResult(LoginGateStatus.Entered);
        }
        // Continuations go through the loop's SynchronizationContext, never inline inside Exit.
        var tcs = new TaskCompletionSource<LoginGateStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue(tcs);
        return new ValueTask<LoginGateStatus>(tcs.Task);
    }

    /// <summary>A login that entered has finished; <paramref name="hostError"/> is set when the host was unreachable.</summary>
    public void Exit(DateTimeOffset now, PoolError? hostError, TimeSpan retry, TimeSpan cap)
    {
        InFlight--;
        if (hostError is not null)
        {
            LastError = hostError;
            Backoff.RecordFailure(now, retry, cap);
        }
        else
        {
            Backoff.RecordSuccess();
        }

        while (_queue.Count > 0 && (maxInFlight <= 0 || InFlight < maxInFlight))
        {
            var next = _queue.Dequeue();
            if (_shutdown)
            {
                next.SetResult(LoginGateStatus.Shutdown);
            }
            else if (Backoff.IsActive(now))
            {
                next.SetResult(LoginGateStatus.BackingOff);
            }
            else
            {
                InFlight++;
                next.SetResult(LoginGateStatus.Entered);
            }
        }
    }

    public void Shutdown()
    {
        _shutdown = true;
        while (_queue.Count > 0)
            _queue.Dequeue().SetResult(LoginGateStatus.Shutdown);
    }
}
