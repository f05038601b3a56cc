// Load tests (no timing asserts): `pooler bench` with 500 clients through a pool of 10, and 10,000 idle clients
// held open while 50 others are busy. They check correctness under load: no failures, pool limit kept, idle
// clients still served afterwards. Each phase has its own deadline and reports what it saw, so a failure says why.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pooler.Tests.Cli;
using Pooler.Tests.Functional;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Load;

[Collection(PostgresCollection.Name)]
public sealed class BenchLoadTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const int PoolSize = 10;

    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 240_000)]
    public async Task Bench_500ClientsSelectOnlyPoolSize10_NoFailuresPoolWithinLimit()
    {
        const int clients = 500;
        // The bench's 500 client sockets and the pooler's 500 accepted ones share this process.
        await FileLimit.EnsureAsync(2 * clients + 2_000);
        await PgBenchTables.EnsureAsync(Pg);
        var role = await LoadRole.EnsureAsync(Pg, "load_bench500");
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = PoolSize, MaxClientConn = clients + 100 });

        Report report;
        await using (var sampler = new ConnectionSampler(Pg, role))
        {
            report = await RunBenchAsync(pooler.Port, role, clients, seconds: 30);
            Log($"server connections of {role}: at most {sampler.Max} over {sampler.Samples} samples");
            Assert.True(sampler.Samples > 10, $"only {sampler.Samples} samples of pg_stat_activity");
            Assert.True(sampler.Max is >= 1 and <= PoolSize, $"{sampler.Max} server connections for a pool of {PoolSize}");
        }
        report.AssertClean(string.Join('\n', pooler.Log.Lines.TakeLast(40)));
    }

    [Fact(Timeout = 300_000)]
    public async Task Bench_10000IdleClientsWhile50Busy_NoFailuresIdleClientsStillAnswer()
    {
        const int idle = 10_000;
        // The idle clients live here, the pooler (with their 10,000 accepted sockets) in a child process.
        await FileLimit.EnsureAsync(idle + 1_000);
        await PgBenchTables.EnsureAsync(Pg);
        var role = await LoadRole.EnsureAsync(Pg, "load_idle");
        await using var pooler = await PoolerProcess.StartAsync(Pg, PoolSize, maxClientConn: idle + 200);

        var (clients, login) = await IdleClients.OpenAsync(pooler.Port, role, PostgresServer.Database, idle,
            parallel: 64, perClient: TimeSpan.FromSeconds(60));
        await using var _ = clients;
        Log($"idle logins: {login}");
        Assert.True(login.Failed == 0, $"idle logins: {login}\npooler log:\n{pooler.LastLines()}");

        Report report;
        await using (var sampler = new ConnectionSampler(Pg, role))
        {
            report = await RunBenchAsync(pooler.Port, role, clients: 50, seconds: 10);
            Log($"server connections of {role}: at most {sampler.Max} over {sampler.Samples} samples");
            Assert.True(sampler.Max is >= 1 and <= PoolSize, $"{sampler.Max} server connections for a pool of {PoolSize}");
        }
        report.AssertClean(pooler.LastLines());

        var answered = await clients.QueryAllAsync(parallel: 200, perClient: TimeSpan.FromSeconds(60));
        Log($"final query on the idle clients: {answered}");
        Assert.True(answered.Ok == idle, $"final query on {idle} idle clients: {answered}\npooler log:\n{pooler.LastLines()}");
    }

    private async Task<Report> RunBenchAsync(int port, string role, int clients, int seconds)
    {
        // A stuck run is stopped like Ctrl-C (the report so far, marked interrupted) instead of hitting the
        // test's timeout with nothing to show.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 90));
        var clock = Stopwatch.StartNew();
        var result = await CliHarness.RunAsync(["bench", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-U", role, PostgresServer.Database, "-b", "select-only",
            "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "--json"],
            cancellation: deadline.Token);
        var what = $"pooler bench -c {clients} -T {seconds} -S (exit {result.ExitCode}, {clock.Elapsed.TotalSeconds:F1} s)";
        Assert.True(result.ExitCode == 0 && result.Out.TrimStart().StartsWith('{'), $"{what}\nstdout:\n{result.Out}\nstderr:\n{result.Error}");
        var report = new Report(what, JsonDocument.Parse(result.Out).RootElement);
        Log(report.ToString());
        return report;
    }

    private void Log(string line) => output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {line}");

    private sealed record Report(string What, JsonElement Json)
    {
        private long Transactions => Json.GetProperty("transactions").GetInt64();

        private long Failures => Json.GetProperty("failures").GetInt64();

        private long Aborted => Json.GetProperty("aborted_clients").GetInt64();

        private bool Interrupted => Json.GetProperty("interrupted").GetBoolean();

        public void AssertClean(string poolerLog)
        {
            Assert.True(!Interrupted && Failures == 0 && Aborted == 0 && Transactions > 0, $"{this}\npooler log:\n{poolerLog}");
        }

        public override string ToString() =>
            $"{What}: {Transactions} transactions, {Failures} failures {Json.GetProperty("failures_by_sqlstate")}, " +
            $"{Aborted} aborted clients" +
            (Json.TryGetProperty("first_abort_reason", out var reason) ? $" (first: {reason})" : "") +
            (Interrupted ? ", interrupted at the deadline" : "") +
            $", tps {Json.GetProperty("tps").GetDouble():F0}, p99 {Json.GetProperty("latency_ms").GetProperty("p99").GetDouble():F1} ms";
    }
}
