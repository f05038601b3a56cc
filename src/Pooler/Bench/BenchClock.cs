// Monotonic time for the bench in nanoseconds (Stopwatch ticks scaled once).
using System.Diagnostics;

namespace Pooler.Bench;

public static class BenchClock
{
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Now, in nanoseconds of an arbitrary monotonic origin.</summary>
    public static long Now() => (long)(Stopwatch.GetTimestamp() * NsPerTick);
}
