// pgbench through the pooler: transaction mode with a small pool, 0 failures, server connections within pool_size.
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class LoadTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private PostgresServer Pg => fixture.Server;

    [Theory(Timeout = 180_000)]
    [InlineData("-S")]
    [InlineData("-N")]
    [InlineData("-S -M extended")]
    public async Task PgBench_50ClientsPoolSize5_NoFailuresAtMost5Servers(string mode)
    {
        await PgBenchTables.EnsureAsync(Pg);
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 5 });

        PgBenchResult result;
        await using (var sampler = new ConnectionSampler(Pg, PostgresServer.SuperUser))
        {
            result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser, PostgresServer.Database,
                ["-c", "50", "-j", "2", "-T", "10", .. mode.Split(' ')]);
            output.WriteLine($"pgbench {mode}: {result.Processed} transactions, {result.Failed} failed, {result.Tps:F0} tps; " +
                $"max server connections sampled {sampler.Max} over {sampler.Samples} samples");
            Assert.True(sampler.Samples > 10, $"only {sampler.Samples} samples");
            Assert.InRange(sampler.Max, 1, 5);
        }

        Assert.True(result.Process.Succeeded, result.Process.StdErr);
        Assert.Equal(0, result.Failed);
        Assert.True(result.Processed > 0);
    }

    [Fact(Timeout = 600_000)]
    public async Task PgBench_200ClientsTimes1000PoolSize10_NoErrors()
    {
        await PgBenchTables.EnsureAsync(Pg);
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 10 });

        var result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser, PostgresServer.Database,
            ["-c", "200", "-j", "2", "-t", "1000", "-S"]);

        output.WriteLine($"pgbench -c 200 -t 1000 -S: {result.Processed}/{result.Expected}, {result.Failed} failed, {result.Tps:F0} tps");
        Assert.True(result.Process.Succeeded, result.Process.StdErr);
        Assert.True(result.Complete, result.Process.StdOut);
        Assert.Equal(200_000, result.Processed);
    }
}
