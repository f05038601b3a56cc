// SHOW STATS averages without a periodic timer: computed when asked, against a sample kept per database.
namespace Pooler.Stats;

/// <summary>
/// PgBouncer recomputes averages every stats_period (60 s) on a timer; a pooler that must not wake up while idle
/// computes them on demand instead: the difference between the current totals and a sample taken at the start of
/// the window, which moves forward once it is a period old. Thread-safe.
/// </summary>
internal sealed class StatsAverages(DateTimeOffset startedAt, TimeSpan period, TimeProvider time)
{
    private readonly Dictionary<string, (DateTimeOffset At, StatsTotals Totals)> _windowStart = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public static TimeSpan DefaultPeriod { get; } = TimeSpan.FromSeconds(60);

    public StatsAverage Of(string database, StatsTotals now)
    {
        var at = time.GetUtcNow();
        (DateTimeOffset At, StatsTotals Totals) start;
        lock (_lock)
        {
            if (!_windowStart.TryGetValue(database, out start))
                start = (startedAt, StatsTotals.Empty);
            if (at - start.At >= period)
                _windowStart[database] = (at, now);
        }
        return Compute(start.Totals, now, at - start.At);
    }

    /// <summary>Averages of the traffic between two totals taken <paramref name="elapsed"/> apart.</summary>
    public static StatsAverage Compute(StatsTotals before, StatsTotals after, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1);
        long Rate(long a, long b) => (long)((b - a) / seconds);
        long Per(long time, long count) => count <= 0 ? 0 : time / count;
        var xacts = after.XactCount - before.XactCount;
        var queries = after.QueryCount - before.QueryCount;
        var assignments = after.ServerAssignmentCount - before.ServerAssignmentCount;
        return new StatsAverage
        {
            ServerAssignmentCount = Rate(before.ServerAssignmentCount, after.ServerAssignmentCount),
            XactCount = Rate(before.XactCount, after.XactCount),
            QueryCount = Rate(before.QueryCount, after.QueryCount),
            Received = Rate(before.Received, after.Received),
            Sent = Rate(before.Sent, after.Sent),
            XactTimeUs = Per(after.XactTimeUs - before.XactTimeUs, xacts),
            QueryTimeUs = Per(after.QueryTimeUs - before.QueryTimeUs, queries),
            WaitTimeUs = Per(after.WaitTimeUs - before.WaitTimeUs, assignments),
            ClientParseCount = Rate(before.ClientParseCount, after.ClientParseCount),
            ServerParseCount = Rate(before.ServerParseCount, after.ServerParseCount),
            BindCount = Rate(before.BindCount, after.BindCount),
        };
    }
}
