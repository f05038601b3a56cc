// Counters of one progress interval (-P), summed across threads for the progress line.
namespace Pooler.Bench;

public readonly record struct IntervalStats(long Count, long Failures, double Sum, double SumOfSquares)
{
    public static IntervalStats operator +(IntervalStats a, IntervalStats b) =>
        new(a.Count + b.Count, a.Failures + b.Failures, a.Sum + b.Sum, a.SumOfSquares + b.SumOfSquares);

    public double MeanNs => Count == 0 ? 0 : Sum / Count;

    public double StdDevNs => Count == 0 ? 0 : Math.Sqrt(Math.Max(0, SumOfSquares / Count - MeanNs * MeanNs));
}
