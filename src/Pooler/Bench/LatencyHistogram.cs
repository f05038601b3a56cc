// A log-bucketed latency histogram in the manner of HdrHistogram: exact below 2^7, then 128 linear sub-buckets
// per power of two, so any recorded value is reported within 1/128 (0.8%) of itself, in fixed memory.
namespace Pooler.Bench;

/// <summary>Counts of non-negative values (nanoseconds here) with bounded relative error; merged across threads.</summary>
public sealed class LatencyHistogram
{
    /// <summary>Sub-bucket bits: 2^7 = 128 sub-buckets per power of two, i.e. at most 1/128 relative error.</summary>
    private const int SubBits = 7;
    private const int SubCount = 1 << SubBits;

    // Values < 2^SubBits map to themselves; each higher power of two e (SubBits..62) adds SubCount buckets.
    private readonly long[] _counts = new long[SubCount + (63 - SubBits) * SubCount];

    public long Count { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public long Max { get; private set; }

    /// <summary>Sum of every recorded value (for the exact mean).</summary>
    public double Sum { get; private set; }

    /// <summary>Sum of squares (for the standard deviation).</summary>
    public double SumOfSquares { get; private set; }

    public double Mean => Count == 0 ? 0 : Sum / Count;

    public double StdDev => Count == 0 ? 0 : Math.Sqrt(Math.Max(0, SumOfSquares / Count - Mean * Mean));

    public void Record(long value)
    {
        if (value < 0) value = 0;
        _counts[IndexOf(value)]++;
        Count++;
        Sum += value;
        SumOfSquares += (double)value * value;
        if (value < Min) Min = value;
        if (value > Max) Max = value;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        Sum += other.Sum;
        SumOfSquares += other.SumOfSquares;
        if (other.Count > 0)
        {
            Min = Math.Min(Min, other.Min);
            Max = Math.Max(Max, other.Max);
        }
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0–100): the smallest recorded value v with at least
    /// ceil(p/100 · Count) values ≤ v, reported as its bucket's upper bound (capped at <see cref="Max"/>), so it is
    /// never below the true value and at most 1/128 above it. 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0) return 0;
        var rank = (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100.0 * Count);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
                return Math.Max(Math.Min(UpperBound(i), Max), Min);
        }
        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < SubCount) return (int)value;
        var e = 63 - (int)long.LeadingZeroCount(value);         // floor(log2 value) >= SubBits
        var mantissa = (int)(value >> (e - SubBits)) - SubCount;  // 0..SubCount-1
        return SubCount + (e - SubBits) * SubCount + mantissa;
    }

    internal static long UpperBound(int index)
    {
        if (index < SubCount) return index;
        var e = (index - SubCount) / SubCount + SubBits;
        var mantissa = (long)((index - SubCount) % SubCount + SubCount);
        var shift = e - SubBits;
        return ((mantissa + 1) << shift) - 1;
    }
}
