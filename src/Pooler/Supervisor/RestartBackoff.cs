// When to restart a worker that died: quickly at first, slower when it keeps dying, capped in a restart storm.
namespace Pooler.Supervisor;

/// <summary>
/// 100 ms after a first death, doubling per death within <see cref="Window"/> up to 5 s; more than
/// <see cref="StormLimit"/> deaths within the window is a restart storm: the delay becomes 30 s (and is logged).
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    public const int StormLimit = 10;

    private readonly Queue<DateTimeOffset> _deaths = new();

    /// <summary>Record a death at <paramref name="now"/> and return the delay before the restart.</summary>
    public (TimeSpan Delay, bool Storm) OnDeath(DateTimeOffset now)
    {
        while (_deaths.Count > 0 && now - _deaths.Peek() > Window)
            _deaths.Dequeue();
        _deaths.Enqueue(now);
        if (_deaths.Count > StormLimit)
            return (TimeSpan.FromSeconds(30), true);
        var ms = Math.Min(5000, 100 * (1 << Math.Min(_deaths.Count - 1, 6)));
        return (TimeSpan.FromMilliseconds(ms), false);
    }
}
