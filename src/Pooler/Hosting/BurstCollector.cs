// One compacting, decommitting GC when a burst of client connections is over, so that idle clients cost what they
// hold and not the high-water mark of the burst that brought them.
namespace Pooler.Hosting;

/// <summary>
/// Logins allocate far more than a logged-in idle client keeps (startup parsing, login timers, hand-off buffers,
/// async state), and the GC keeps the memory it grew into: after 10,000 logins the process stayed megabytes above
/// what its live objects need, for as long as the clients idled. This waits until no connection has opened or
/// closed for <see cref="Quiet"/>, and then, if the burst had at least <see cref="MinEvents"/> connection events,
/// runs one aggressive GC (compacting, and giving free memory back to the OS). No periodic timer: while nothing
/// happens it is not armed; while connections keep coming it wakes once per <see cref="Quiet"/>. Loop thread only.
/// </summary>
internal sealed class BurstCollector(TimeProvider time)
{
    /// <summary>How long without a connection event counts as the end of a burst.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    /// <summary>Fewer connection events than this since the last collection are not worth a full GC's pause.</summary>
    public const int MinEvents = 256;

    private ITimer? _timer;
    private bool _armed;
    private int _recent;          // events since the timer was last armed
    private long _sinceCollect;   // events since the last collection

    /// <summary>Number of collections run (for tests and SHOW MEM-style diagnostics).</summary>
    public int Collections { get; private set; }

    /// <summary>A client connection opened, logged in or closed.</summary>
    public void OnConnectionEvent()
    {
        _recent++;
        _sinceCollect++;
        if (_armed || _sinceCollect < MinEvents)
            return;
        Arm();
    }

    private void Arm()
    {
        _armed = true;
        _recent = 0;
        _timer ??= time.CreateTimer(static s => ((BurstCollector)s!).OnQuietCheck(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Quiet, Timeout.InfiniteTimeSpan);
    }

    private void OnQuietCheck()
    {
        _armed = false;
        if (_recent > 0)
        {
            Arm(); // still busy: look again once it has been quiet for a while
            return;
        }
        _sinceCollect = 0;
        Collections++;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
