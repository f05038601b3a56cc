// `pooler bench` against the fixture's real PostgreSQL: -i, builtin scripts in every mode, -C, failures by
// SQLSTATE, --json, password logins, -R/-P, and a stop that still prints the report.
using System.Text.Json;
using Pooler.Tests.Cli;
using Pooler.TestSupport;

namespace Pooler.Tests.Bench;

[Collection(PostgresCollection.Name)]
public sealed class BenchRunTests(PostgresFixture fixture) : IAsyncLifetime
{
    private PostgresServer Pg => fixture.Server;

    public Task InitializeAsync() => BenchDatabase.EnsureAsync(Pg);

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<CliResult> BenchAsync(string user, string[] args, IReadOnlyDictionary<string, string>? env = null,
        CancellationToken ct = default) =>
        CliHarness.RunAsync(["bench", .. BenchDatabase.Connection(Pg, user), .. args], environment: env, cancellation: ct);

    private static JsonElement Json(CliResult r)
    {
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    [Fact]
    public async Task Initialize_Scale1_PgbenchRowCounts()
    {
        const string db = "pooler_bench_init";
        await BenchDatabase.CreateAsync(Pg, db);

        var result = await CliHarness.RunAsync(["bench", .. BenchDatabase.Connection(Pg, PostgresServer.SuperUser, db), "-i", "-s", "1"]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(1L, await BenchDatabase.ScalarAsync(Pg, db, "SELECT count(*) FROM pgbench_branches"));
        Assert.Equal(10L, await BenchDatabase.ScalarAsync(Pg, db, "SELECT count(*) FROM pgbench_tellers"));
        Assert.Equal(100_000L, await BenchDatabase.ScalarAsync(Pg, db, "SELECT count(*) FROM pgbench_accounts"));
        Assert.Equal(0L, await BenchDatabase.ScalarAsync(Pg, db, "SELECT count(*) FROM pgbench_history"));
        Assert.Equal(3L, await BenchDatabase.ScalarAsync(Pg, db,
            "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text LIKE 'pgbench_%'"));
        Assert.Contains("creating primary keys", result.Error);
    }

    [Theory]
    [InlineData("select-only", "simple")]
    [InlineData("select-only", "extended")]
    [InlineData("select-only", "prepared")]
    [InlineData("tpcb-like", "simple")]
    [InlineData("tpcb-like", "extended")]
    [InlineData("tpcb-like", "prepared")]
    public async Task Run_BuiltinInEachMode_AllTransactionsSucceed(string builtin, string mode)
    {
        var before = await BenchDatabase.ScalarAsync(Pg, BenchDatabase.Name, "SELECT count(*) FROM pgbench_history");

        var report = Json(await BenchAsync(PostgresServer.TrustUser, ["-b", builtin, "--mode", mode, "-c", "4", "-j", "2", "-t", "50", "--json"]));

        Assert.Equal(200, report.GetProperty("transactions").GetInt64());
        Assert.Equal(0, report.GetProperty("failures").GetInt64());
        Assert.Equal(2, report.GetProperty("threads").GetInt32());
        Assert.Equal(mode, report.GetProperty("mode").GetString());
        Assert.Equal(1, report.GetProperty("scale").GetInt64());
        Assert.Equal(4, report.GetProperty("connections").GetInt64());
        Assert.True(report.GetProperty("tps").GetDouble() > 0);
        var latency = report.GetProperty("latency_ms");
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.True(latency.GetProperty("p99").GetDouble() <= latency.GetProperty("max").GetDouble());
        var after = await BenchDatabase.ScalarAsync(Pg, BenchDatabase.Name, "SELECT count(*) FROM pgbench_history");
        Assert.Equal(builtin == "tpcb-like" ? 200L : 0L, (long)after! - (long)before!);
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("portable")]
    public async Task Run_ExplicitBackend_UsedAndWorks(string backend)
    {
        var report = Json(await BenchAsync(PostgresServer.TrustUser, ["--io-backend", backend, "-c", "2", "-t", "5", "-M", "extended", "--json"]));

        Assert.Equal(10, report.GetProperty("transactions").GetInt64());
        Assert.Equal(backend, report.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Run_ConnectPerTransaction_OneConnectionEach()
    {
        var report = Json(await BenchAsync(PostgresServer.TrustUser, ["-C", "-c", "2", "-t", "10", "--json"]));

        Assert.Equal(20, report.GetProperty("transactions").GetInt64());
        Assert.Equal(20, report.GetProperty("connections").GetInt64());
        Assert.True(report.GetProperty("connection_time_avg_ms").GetDouble() > 0);
        var text = await BenchAsync(PostgresServer.TrustUser, ["-C", "-c", "1", "-t", "2"]);
        Assert.Contains("(including reconnection times)", text.Out);
        Assert.Contains("average connection time = ", text.Out);
        Assert.Contains("(2 connections)", text.Out);
    }

    [Fact]
    public async Task Run_FailingStatement_FailuresBySqlStateAndClientsCarryOn()
    {
        using var dir = new TempDir();
        // Even clients divide by zero inside a transaction block (so ROLLBACK is needed before their next BEGIN
        // works); client 1 gets past the division and hits a missing table.
        var script = dir.Write("fail.sql", """
            \set k :client_id % 2
            BEGIN;
            SELECT 1 / :k;
            SELECT * FROM pgbench_missing WHERE :client_id = 2;
            END;
            """);

        var result = await BenchAsync(PostgresServer.TrustUser, ["-f", script, "-c", "3", "-t", "5", "-M", "extended"]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("number of transactions actually processed: 0/15", result.Out);
        Assert.Contains("number of failed transactions: 15", result.Out);
        // Only 22012 for client 0: had ROLLBACK not run, its later transactions would fail with 25P02.
        Assert.Contains("SQLSTATE 22012: 10", result.Out);  // clients 0 and 2 (k = 0 for even ids)
        Assert.Contains("SQLSTATE 42P01: 5", result.Out);    // client 1 reaches the missing table
        Assert.DoesNotContain("25P02", result.Out);
    }

    [Theory]
    [InlineData(PostgresServer.ScramUser, PostgresServer.ScramPassword)]
    [InlineData(PostgresServer.Md5User, PostgresServer.Md5Password)]
    public async Task Run_PasswordUser_LogsIn(string user, string password)
    {
        var env = new Dictionary<string, string> { ["PGPASSWORD"] = password };

        var report = Json(await BenchAsync(user, ["-c", "2", "-t", "5", "--json"], env));

        Assert.Equal(10, report.GetProperty("transactions").GetInt64());
    }

    [Fact]
    public async Task Run_WrongPassword_Exit1WithServerError()
    {
        var env = new Dictionary<string, string> { ["PGPASSWORD"] = "wrong" };

        var result = await BenchAsync(PostgresServer.ScramUser, ["-c", "1", "-t", "1"], env);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("28P01", result.Error);
    }

    [Fact]
    public async Task Run_NothingListening_Exit1()
    {
        var port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await CliHarness.RunAsync(["bench", "-h", "127.0.0.1", "-p", port, "-U", "x", "-s", "1", "-t", "1"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("could not connect", result.Error);
    }

    [Fact]
    public async Task Run_RateAndProgress_ProgressLinesAndTextReport()
    {
        var result = await BenchAsync(PostgresServer.TrustUser, ["-c", "2", "-T", "1", "-R", "200", "-P", "0.25"]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"progress: \d+\.\d s, [0-9.]+ tps, lat [0-9.]+ ms stddev [0-9.]+, 0 failed", result.Error);
        Assert.Matches(@"latency percentiles: p50 = [0-9.]+ ms, p90 = [0-9.]+ ms, p99 = [0-9.]+ ms, p99\.9 = [0-9.]+ ms, max = [0-9.]+ ms", result.Out);
        Assert.Matches(@"tps = [0-9.]+ \(without initial connection time\)", result.Out);
        Assert.Contains("target rate: 200.0 tps", result.Out);
        // The schedule holds the clients back: 1 s at 200/s is about 200 (Poisson), far below what 2 clients can do.
        var processed = System.Text.RegularExpressions.Regex.Match(result.Out, @"actually processed: (\d+)");
        Assert.InRange(long.Parse(processed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 400);
    }

    [Fact]
    public async Task Run_UnixSocketDirectory_Connects()
    {
        var port = Pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var report = Json(await CliHarness.RunAsync(["bench", "-h", Pg.SocketDir, "-p", port, "-U", PostgresServer.SuperUser,
            BenchDatabase.Name, "-c", "2", "-t", "5", "--json"]));

        Assert.Equal(10, report.GetProperty("transactions").GetInt64());
    }

    [Fact]
    public async Task Run_PasswordFromPgPassFile_LogsIn()
    {
        using var dir = new TempDir();
        var file = dir.Write("pgpass", $"*:*:*:nobody:x\n{Pg.Host}:{Pg.Port}:{BenchDatabase.Name}:{PostgresServer.ScramUser}:{PostgresServer.ScramPassword}\n");
        var env = new Dictionary<string, string> { ["PGPASSFILE"] = file };

        var report = Json(await BenchAsync(PostgresServer.ScramUser, ["-c", "1", "-t", "3", "--json"], env));

        Assert.Equal(3, report.GetProperty("transactions").GetInt64());
    }

    [Fact]
    public async Task Run_ScriptEvaluationError_ClientAbortedExit2()
    {
        using var dir = new TempDir();
        var script = dir.Write("abort.sql", "\\set k 1 / (:client_id - 1)\nSELECT :k;\n");

        var result = await BenchAsync(PostgresServer.TrustUser, ["-f", script, "-c", "2", "-t", "3"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("aborted clients: 1", result.Out);
        Assert.Contains("division by zero", result.Out);
        Assert.Contains("actually processed: 3/6", result.Out);   // client 0 carried on
    }

    [Fact]
    public async Task Run_Stopped_PrintsReportSoFar()
    {
        using var stop = new CancellationTokenSource();
        var stderr = new SignallingWriter("progress:");
        var stdout = new StringWriter();
        var context = new Pooler.Cli.CommandContext
        {
            Out = stdout, Error = stderr, HandleSignals = false, Cancellation = stop.Token,
            GetEnvironmentVariable = _ => null,
        };
        var run = Pooler.Cli.CommandLine.RunAsync(["bench", .. BenchDatabase.Connection(Pg, PostgresServer.TrustUser),
            "-c", "2", "-T", "600", "-P", "0.2", "--json"], context);

        await stderr.Seen.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, code);
        var report = JsonDocument.Parse(stdout.ToString()).RootElement;
        Assert.True(report.GetProperty("interrupted").GetBoolean());
        Assert.True(report.GetProperty("transactions").GetInt64() > 0);
        Assert.Equal(0, report.GetProperty("aborted_clients").GetInt64());
    }

    /// <summary>A StringWriter that completes <see cref="Seen"/> once a write contains a marker.</summary>
    private sealed class SignallingWriter(string marker) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override Task WriteLineAsync(string? value)
        {
            lock (this)
                base.WriteLine(value);
            if (value?.Contains(marker, StringComparison.Ordinal) == true)
                _seen.TrySetResult();
            return Task.CompletedTask;
        }

        public override string ToString()
        {
            lock (this)
                return base.ToString();
        }
    }
}
