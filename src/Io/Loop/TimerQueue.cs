// The loop's deadlines, ordered by due time then by arming order; cancelled or re-armed timers leave stale
// entries behind that are skipped by version (cheaper than removing from the heap), and are swept out in bulk
// once they outnumber the live ones.
using System.Diagnostics;

namespace Pooler.Io;

internal sealed class TimerQueue
{
    // Below this many entries the queue is never swept: a handful of stale entries costs nothing.
    private const int MinSweepCount = 64;

    private readonly PriorityQueue<(LoopTimer Timer, int Version), (long Due, long Seq)> _heap = new();
    private long _seq;
    private int _sweepAt = MinSweepCount;

    public int Count => _heap.Count;

    public void Add(LoopTimer timer)
    {
        if (_heap.Count >= _sweepAt) Sweep();
        _heap.Enqueue((timer, timer.Version), (timer.DueTicks, _seq++));
    }

    /// <summary>
    /// Drops stale entries. A login timer armed per client and disposed a moment later stays in the heap until its
    /// deadline reaches the head, and an idle loop never gets there: after 10,000 logins that was ~1 MB of entries
    /// and disposed timers held while the clients sat idle. Sweeping when the heap doubles keeps it at most about
    /// twice its live size, for O(1) amortised work per Add.
    /// </summary>
    private void Sweep()
    {
        int before = _heap.Count;
        var live = new List<((LoopTimer, int), (long, long))>();
        foreach (var (entry, priority) in _heap.UnorderedItems)
        {
            if (entry.Version == entry.Timer.Version) live.Add((entry, priority));
        }
        if (live.Count < before)
        {
            _heap.Clear();
            _heap.EnqueueRange(live);
            if (before - live.Count >= 1024) _heap.TrimExcess();
        }
        _sweepAt = Math.Max(MinSweepCount, 2 * live.Count);
    }

    /// <summary>Fires every due timer; returns the milliseconds until the next one, or -1 when none is armed.</summary>
    public int RunDue(Action<Exception> onError)
    {
        while (_heap.TryPeek(out var entry, out var key))
        {
            if (entry.Version != entry.Timer.Version)
            {
                _heap.Dequeue();
                continue;
            }
            long now = Stopwatch.GetTimestamp();
            if (key.Due > now)
            {
                double ms = Math.Ceiling((key.Due - now) * 1000.0 / Stopwatch.Frequency);
                return (int)Math.Clamp(ms, 1, int.MaxValue);
            }
            _heap.Dequeue();
            entry.Timer.Version++; // fired: a stale duplicate entry must not fire it again
            try { entry.Timer.Fire(); }
            catch (Exception ex) { onError(ex); }
        }
        return -1;
    }

    public void Clear() => _heap.Clear();
}
