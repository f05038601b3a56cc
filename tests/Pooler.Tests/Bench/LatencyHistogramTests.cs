// The log-bucketed histogram against a sorted-array reference: percentiles within 1/128, exact count/min/max/mean.
using Pooler.Bench;

namespace Pooler.Tests.Bench;

public sealed class LatencyHistogramTests
{
    private static long Reference(long[] sorted, double percentile)
    {
        var rank = (long)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Max(rank, 1) - 1];
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 100_000)]
    [InlineData(3, 7)]
    public void ValueAtPercentile_RandomLogNormal_WithinOneBucketOfReference(int seed, int count)
    {
        var rng = new Random(seed);
        var values = new long[count];
        var h = new LatencyHistogram();
        for (var i = 0; i < count; i++)
        {
            // Log-normal around 200 µs with a long tail, in nanoseconds, like real latencies.
            values[i] = (long)Math.Exp(Math.Log(200_000) + 1.5 * Gaussian(rng));
            h.Record(values[i]);
        }
        Array.Sort(values);

        foreach (var p in new[] { 0.0, 1, 50, 90, 99, 99.9, 99.99, 100 })
        {
            var expected = Reference(values, p);
            var actual = h.ValueAtPercentile(p);
            Assert.True(actual >= expected && actual <= expected + expected / 128 + 1,
                $"p{p}: histogram {actual}, reference {expected}");
        }
        Assert.Equal(count, h.Count);
        Assert.Equal(values[0], h.Min);
        Assert.Equal(values[^1], h.Max);
        Assert.Equal(values.Average(v => (double)v), h.Mean, 6);
    }

    [Fact]
    public void ValueAtPercentile_SmallValues_Exact()
    {
        var h = new LatencyHistogram();
        for (var v = 0; v < 100; v++) h.Record(v);

        Assert.Equal(49, h.ValueAtPercentile(50));
        Assert.Equal(98, h.ValueAtPercentile(99));
        Assert.Equal(99, h.ValueAtPercentile(100));
    }

    [Fact]
    public void Add_TwoHistograms_SameAsOne()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (long v = 1; v < 1_000_000; v = v * 3 / 2 + 1)
        {
            (v % 2 == 0 ? a : b).Record(v);
            all.Record(v);
        }
        a.Add(b);

        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.Min, a.Min);
        foreach (var p in new[] { 10.0, 50, 90, 99.9 })
            Assert.Equal(all.ValueAtPercentile(p), a.ValueAtPercentile(p));
    }

    [Fact]
    public void IndexOf_UpperBound_ConsistentAcrossRange()
    {
        for (long v = 1; v > 0 && v < long.MaxValue / 3; v = v * 3 + 1)
        {
            var i = LatencyHistogram.IndexOf(v);
            Assert.True(LatencyHistogram.UpperBound(i) >= v, $"value {v}");
            Assert.True(i == 0 || LatencyHistogram.UpperBound(i - 1) < v, $"value {v}");
        }
    }

    [Fact]
    public void ValueAtPercentile_Empty_Zero()
    {
        Assert.Equal(0, new LatencyHistogram().ValueAtPercentile(99));
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
