// `pooler bench` through the pooler itself (transaction mode, more clients than server connections).
using System.Globalization;
using System.Text.Json;
using Pooler.Config;
using Pooler.Tests.Cli;
using Pooler.Tests.Functional;
using Pooler.TestSupport;

namespace Pooler.Tests.Bench;

[Collection(PostgresCollection.Name)]
public sealed class BenchThroughPoolerTests(PostgresFixture fixture) : IAsyncLifetime
{
    private PostgresServer Pg => fixture.Server;

    public Task InitializeAsync() => BenchDatabase.EnsureAsync(Pg);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("simple")]
    [InlineData("extended")]
    [InlineData("prepared")]
    public async Task Run_TpcbLikeThroughPooler_AllTransactionsSucceed(string mode)
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, null,
            new DatabaseOptions { Name = BenchDatabase.Name, Host = Pg.Host, Port = Pg.Port });

        var result = await CliHarness.RunAsync(["bench", "-h", "127.0.0.1", "-p", pooler.Port.ToString(CultureInfo.InvariantCulture),
            "-U", PostgresServer.TrustUser, BenchDatabase.Name, "-b", "tpcb-like", "-M", mode, "-c", "12", "-j", "2", "-t", "20", "--json"]);

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        var report = JsonDocument.Parse(result.Out).RootElement;
        Assert.True(report.GetProperty("transactions").GetInt64() == 240, result.Out);
        Assert.Equal(0, report.GetProperty("failures").GetInt64());
    }
}
