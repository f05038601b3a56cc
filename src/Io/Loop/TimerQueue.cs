// The loop's deadlines, ordered by due time then by arming order; cancelled or re-armed timers leave stale
// entries behind that are skipped by version (cheaper than removing from the heap).
using System.Diagnostics;

namespace Pooler.Io;

internal sealed class TimerQueue
{
    private readonly PriorityQueue<(LoopTimer Timer, int Version), (long Due, long Seq)> _heap = new();
    private long _seq;

    public int Count => _heap.Count;

    public void Add(LoopTimer timer) => _heap.Enqueue((timer, timer.Version), (timer.DueTicks, _seq++));

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
