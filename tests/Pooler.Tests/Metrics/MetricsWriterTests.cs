// Unit tests of the Prometheus text: families declared once, labels escaped, figures from the snapshot.
using Pooler.Management;
using Pooler.Metrics;
using Pooler.Stats;

namespace Pooler.Tests.Metrics;

public sealed class MetricsWriterTests
{
    [Fact]
    public void Render_TwoPools_HelpAndTypeOncePerFamilyAndSamplesPerPool()
    {
        var errors = new Dictionary<string, long> { ["40"] = 3 };
        var snapshot = new AdminSnapshot
        {
            Pools =
            [
                new PoolInfo
                {
                    Database = "app", User = "u", ClActive = 2, SvIdle = 1, ClActiveCancelReq = 1, SvActiveCancel = 1, SvBeingCanceled = 1,
                    Stats = new StatsTotals { XactCount = 5, ErrorsByClass = errors },
                },
                new PoolInfo { Database = "we\"ird", User = "u", ClWaiting = 4 },
            ],
            Workers = [new WorkerInfo { Id = 0, Restarts = 2 }],
        };

        var text = MetricsWriter.Render(snapshot);

        Assert.Equal(1, Count(text, "# TYPE pooler_pool_clients gauge"));
        Assert.Equal(1, Count(text, "# TYPE pooler_transactions_total counter"));
        Assert.Contains("pooler_pool_clients{database=\"app\",user=\"u\",state=\"active\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("pooler_pool_clients{database=\"we\\\"ird\",user=\"u\",state=\"waiting\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("pooler_pool_clients{database=\"app\",user=\"u\",state=\"active_cancel_req\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("pooler_pool_servers{database=\"app\",user=\"u\",state=\"active_cancel\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("pooler_pool_servers{database=\"app\",user=\"u\",state=\"being_canceled\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("pooler_transactions_total{database=\"app\",user=\"u\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("pooler_errors_total{database=\"app\",user=\"u\",sqlstate_class=\"40\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("pooler_worker_restarts_total{worker=\"0\"} 2\n", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'), l => Assert.StartsWith("pooler_", l, StringComparison.Ordinal));
    }

    private static int Count(string text, string what) => text.Split('\n').Count(l => l == what);
}
