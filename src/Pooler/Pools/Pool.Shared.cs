// The cross-worker side of a pool (workers > 0): its entry in shared memory and its fair share of pool_size.
namespace Pooler.Pools;

internal sealed partial class Pool
{
    // The pool's own entry in the shared counters: unknown until first asked, -1 in one process.
    private int _sharedEntry = int.MinValue;

    /// <summary>Set while the shared pool entry refused this pool; the next try waits for a wake-up (a slot given
    /// back, or a hungry worker satisfied) instead of asking shared memory on every client that queues.</summary>
    internal bool HeldBackShared { get; set; }

    private int SharedEntry =>
        _sharedEntry != int.MinValue ? _sharedEntry : _sharedEntry = _manager.Counters.PoolEntry(Key.Database, Key.User);

    /// <summary>Another worker is owed one of this pool's slots (fair share, or it starves): close the server rather
    /// than reuse it. One comparison when there is one process.</summary>
    private bool YieldsToOtherWorker() =>
        SharedEntry >= 0 && _manager.Counters.ShouldYield(SharedEntry, Settings.PoolSize + Settings.ReservePoolSize);

    private void NoteServed()
    {
        if (SharedEntry >= 0)
            _manager.Counters.Served(SharedEntry);
    }

    /// <summary>No client of this pool waits for a new server: stop claiming a share of other workers' slots. A pool
    /// held back by the shared entry asks it again when the next client queues (and is marked hungry again if refused).</summary>
    private void NoteSatisfied()
    {
        if (SharedEntry < 0)
            return;
        _manager.Counters.Satisfied(SharedEntry, Settings.PoolSize + Settings.ReservePoolSize);
        HeldBackShared = false;
    }

    /// <summary>Whether another worker has clients waiting for a slot of this pool.</summary>
    private bool OthersHungry() => SharedEntry >= 0 && _manager.Counters.OthersHungry(SharedEntry);

    /// <summary>How long a server must sit idle, while another worker is hungry, before its slot is handed over; and
    /// the gap between two such hand-overs. Long against a stall of the machine or of this worker's clients (which
    /// leaves every server idle at once), so a settled split is not shuffled back and forth.</summary>
    internal static readonly TimeSpan HandOverAfter = TimeSpan.FromSeconds(1);

    private DateTimeOffset _lastHandOver = DateTimeOffset.MinValue;

    /// <summary>When the longest-idle server will have sat unused long enough to be handed over to a hungry worker.</summary>
    private DateTimeOffset HandOverDue()
    {
        if (_idle.Count == 0 || !OthersHungry())
            return DateTimeOffset.MaxValue;
        var since = _idle[0].IdleSince > _lastHandOver ? _idle[0].IdleSince : _lastHandOver;
        return since + HandOverAfter;
    }

    /// <summary>Timer: close the longest-idle server once it has been idle <see cref="HandOverAfter"/> while another
    /// worker is hungry; one per <see cref="HandOverAfter"/>, so slack moves over gradually.</summary>
    private void HandOverIdle(DateTimeOffset now)
    {
        if (HandOverDue() > now)
            return;
        var server = _idle[0];
        _idle.RemoveAt(0);
        _lastHandOver = now;
        // Information, as every hand-over between workers: rare once the split settles, and churn is worth seeing.
        Drop(server, "idle while another worker waits for this pool: slot handed over", notable: true);
    }

    /// <summary>
    /// Another worker asked for a slot of this pool: close one idle server now if this worker is above its fair
    /// share; otherwise the pool's timer hands over servers that stay idle (<see cref="HandOverDue"/>).
    /// </summary>
    internal void EvictIdleForOtherWorker()
    {
        if (_idle.Count == 0 || _shutdown)
            return;
        if (YieldsToOtherWorker())
            EvictOneIdle("handed over to another worker (its fair share of the pool)", notable: true);
        else
            ArmTimer();
    }
}
