// When to restart a worker that died: quickly at first, slower when it keeps dying, capped in a restart storm.
namespace Pooler.Supervisor;

/// <summary>
/// 100 ms after a first death, doubling per death within <see cref="Window"/> up to 5 s; more than
/// <see cref="StormLimit"/> deaths within the window is a restart storm: the delay becomes 30 s (and is logged), so a
/// worker that cannot start costs one attempt per 30 s instead of a busy loop, and comes back by itself once whatever
/// kills it is fixed. The supervisor keeps serving clients with the other workers meanwhile.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Test hook (environment): "BASE_MS,STORM_LIMIT" shrinks the first delay and the storm limit so the
    /// restart storm can be reached in seconds (the 5 s and 30 s figures scale with BASE_MS / 100).</summary>
    public const string TestVariable = "POOLER_TEST_RESTART_BACKOFF";

    private readonly Queue<DateTimeOffset> _deaths = new();
    private readonly int _baseMs;

    public RestartBackoff(int baseMs = 100, int stormLimit = 10)
    {
        _baseMs = baseMs;
        StormLimit = stormLimit;
    }

    public int StormLimit { get; }

    public TimeSpan StormDelay => TimeSpan.FromMilliseconds(_baseMs * 300);

    /// <summary>The defaults, or the test hook's values when <see cref="TestVariable"/> is set and valid.</summary>
    public static RestartBackoff FromEnvironment()
    {
        var parts = Environment.GetEnvironmentVariable(TestVariable)?.Split(',');
        if (parts is [var b, var l] && int.TryParse(b, out var baseMs) && int.TryParse(l, out var limit) && baseMs > 0 && limit > 0)
            return new RestartBackoff(baseMs, limit);
        return new RestartBackoff();
    }

    /// <summary>Record a death at <paramref name="now"/> and return the delay before the restart.</summary>
    public (TimeSpan Delay, bool Storm) OnDeath(DateTimeOffset now)
    {
        while (_deaths.Count > 0 && now - _deaths.Peek() > Window)
            _deaths.Dequeue();
        _deaths.Enqueue(now);
        if (_deaths.Count > StormLimit)
            return (StormDelay, true);
        var ms = Math.Min(_baseMs * 50, _baseMs * (1 << Math.Min(_deaths.Count - 1, 6)));
        return (TimeSpan.FromMilliseconds(ms), false);
    }
}
