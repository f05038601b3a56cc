// Admin state of the pools of one loop: paused and disabled databases, and waits for servers to drain.
namespace Pooler.Pools;

internal sealed partial class PoolManager
{
    private readonly HashSet<string> _pausedDatabases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _disabledDatabases = new(StringComparer.Ordinal);
    private readonly List<(Func<bool> Done, TaskCompletionSource Tcs)> _drainWaits = [];
    private bool _pausedAll;

    public bool PausedAll => _pausedAll;

    /// <summary>Where a new pool keeps its traffic counters: a worker's row in shared memory (so they survive the
    /// worker), or null for process-local counters (one process, tests).</summary>
    public Func<PoolKey, Stats.PoolStats>? StatsFactory { get; init; }

    /// <summary>The counters for a pool being made: shared when a factory is set, else process-local.</summary>
    internal Stats.PoolStats NewStats(PoolKey key) => StatsFactory?.Invoke(key) ?? new Stats.PoolStats();

    public bool IsPaused(string database) => _pausedAll || _pausedDatabases.Contains(database);

    public bool IsDisabled(string database) => _disabledDatabases.Contains(database);

    /// <summary>PAUSE [db] (also KILL): no server is handed out or opened for it until <see cref="Resume"/>.</summary>
    public void Pause(string? database, string reason)
    {
        if (database is null)
            _pausedAll = true;
        else
            _pausedDatabases.Add(database);
        foreach (var pool in PoolsOf(database))
            pool.OnPaused(reason);
    }

    /// <summary>RESUME [db]: lift a pause of that database, or every pause.</summary>
    public void Resume(string? database)
    {
        if (database is null)
        {
            _pausedAll = false;
            _pausedDatabases.Clear();
        }
        else
        {
            _pausedDatabases.Remove(database);
        }
        foreach (var pool in _pools.Values)
        {
            if (!pool.IsPaused)
                pool.OnResumed();
        }
    }

    public void Disable(string database) => _disabledDatabases.Add(database);

    public void Enable(string database) => _disabledDatabases.Remove(database);

    /// <summary>The pools of <paramref name="database"/>, or all when null.</summary>
    public IEnumerable<Pool> PoolsOf(string? database) =>
        _pools.Values.Where(p => database is null || p.Key.Database == database).ToList();

    /// <summary>
    /// Completes once <paramref name="done"/> holds: checked now and after each server closes (an event, not a poll).
    /// PAUSE waits for the paused pools to hold no server; WAIT_CLOSE for the close-needed ones to go.
    /// </summary>
    public Task WhenAsync(Func<bool> done)
    {
        if (done())
            return Task.CompletedTask;
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _drainWaits.Add((done, tcs));
        return tcs.Task;
    }

    /// <summary>A server of some pool closed: finish the admin waits it satisfied.</summary>
    internal void OnServerClosed()
    {
        if (_drainWaits.Count == 0)
            return;
        for (var i = _drainWaits.Count - 1; i >= 0; i--)
        {
            if (_drainWaits[i].Done())
            {
                _drainWaits[i].Tcs.TrySetResult();
                _drainWaits.RemoveAt(i);
            }
        }
    }
}
