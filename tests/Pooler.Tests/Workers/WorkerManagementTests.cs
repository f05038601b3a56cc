// The management socket, `pooler admin` and the metrics endpoint with workers = 2: the supervisor hosts them and
// fans every request out to the workers; admin console commands typed into one worker reach every worker.
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Pooler.Cli;
using Pooler.Tests.Admin;
using Pooler.Tests.Functional;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Workers;

[Collection(PostgresCollection.Name)]
public sealed class WorkerManagementTests(PostgresFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pooler-mgmt-").FullName;

    private PostgresServer Pg => fixture.Server;

    private string Socket => Path.Combine(_dir, "mgmt.sock");

    private Task<PoolerProcess> StartAsync(string extra = "", int poolSize = 10) =>
        PoolerProcess.StartAsync(Pg, workers: 2, poolSize: poolSize,
            extra: $"admin_users = [\"{PostgresServer.TrustUser}\"]\nmanagement_socket = \"{Socket}\"\n{extra}");

    private async Task<(int Exit, string Out, string Err)> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(["admin", "--socket", Socket, .. args],
            new CommandContext { Out = stdout, Error = stderr, HandleSignals = false });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<JsonElement> CliJsonAsync(params string[] args)
    {
        var (exit, answer) = await CliAnswerAsync(args);
        Assert.True(exit == 0, $"pooler admin {string.Join(' ', args)}: exit {exit}\n{answer}");
        return answer;
    }

    // The --json answer whatever the exit code (1 for a refused or failed command).
    private async Task<(int Exit, JsonElement Answer)> CliAnswerAsync(params string[] args)
    {
        var (exit, text, error) = await CliAsync(["--json", .. args]);
        Assert.True(text.Length > 0, $"pooler admin {string.Join(' ', args)}: exit {exit}, no answer: {error}");
        using var doc = JsonDocument.Parse(text);
        return (exit, doc.RootElement.Clone());
    }

    [Fact(Timeout = 120_000)]
    public async Task Status_Workers2_JsonParsesAndCountsBothWorkers()
    {
        await using var pooler = await StartAsync();
        var clients = await OpenOnBothWorkersAsync(pooler);

        var status = await CliJsonAsync("status");
        var workers = await CliJsonAsync("workers");

        Assert.Equal("ok", status.GetProperty("outcome").GetString());
        Assert.Equal(2, status.GetProperty("result").GetProperty("workers").GetInt32());
        Assert.True(status.GetProperty("result").GetProperty("clients").GetInt32() >= clients.Count);
        var rows = workers.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal([0, 1], rows.Select(w => w.GetProperty("id").GetInt32()));
        Assert.All(rows, w => Assert.True(w.GetProperty("alive").GetBoolean()));
        Assert.All(rows, w => Assert.True(PoolerProcess.IsAlive(w.GetProperty("pid").GetInt32())));
        Assert.All(rows, w => Assert.True(w.GetProperty("clients").GetInt32() >= 1));
        await DisposeAllAsync(clients);
    }

    [Fact(Timeout = 180_000)]
    public async Task Pools_Workers2UnderLoad_AgreesWithShowPools()
    {
        await PgBenchTables.EnsureAsync(Pg);
        await using var pooler = await StartAsync();
        var before = await XactCountAsync();
        var bench = PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser, PostgresServer.Database,
            ["-c", "20", "-j", "2", "-t", "200", "-S"]);
        var (console, error) = await AdminClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, pooler.Port), PostgresServer.TrustUser);
        Assert.Null(error);
        await using var _console = console;

        // Under load the figures move between two reads; both must see the same pool within its limits.
        var samples = 0;
        while (!bench.IsCompleted)
        {
            var show = (await console.QueryAsync("SHOW POOLS")).Records.SingleOrDefault(r => r["database"] == PostgresServer.Database && r["user"] == PostgresServer.SuperUser);
            var cli = (await CliJsonAsync("pools")).GetProperty("result").EnumerateArray()
                .SingleOrDefault(p => p.GetProperty("database").GetString() == PostgresServer.Database && p.GetProperty("user").GetString() == PostgresServer.SuperUser);
            if (show is null || cli.ValueKind != JsonValueKind.Object)
                continue;
            samples++;
            Assert.InRange(int.Parse(show["sv_active"]!, CultureInfo.InvariantCulture), 0, 10);
            Assert.InRange(cli.GetProperty("sv_active").GetInt32() + cli.GetProperty("sv_idle").GetInt32(), 0, 10);
            Assert.InRange(int.Parse(show["cl_active"]!, CultureInfo.InvariantCulture) + int.Parse(show["cl_waiting"]!, CultureInfo.InvariantCulture), 0, 20);
        }
        var result = await bench;
        Assert.True(result.Process.Succeeded, result.Process.StdErr + "\n" + pooler.Log);

        // At rest, every column both show is the same number.
        var rest = (await console.QueryAsync("SHOW POOLS")).Records.Single(r => r["database"] == PostgresServer.Database && r["user"] == PostgresServer.SuperUser);
        var pool = (await CliJsonAsync("pools")).GetProperty("result").EnumerateArray()
            .Single(p => p.GetProperty("database").GetString() == PostgresServer.Database && p.GetProperty("user").GetString() == PostgresServer.SuperUser);
        foreach (var column in new[] { "cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_login", "sv_tested" })
            Assert.Equal(rest[column], pool.GetProperty(column).GetInt32().ToString(CultureInfo.InvariantCulture));
        var after = await XactCountAsync();
        output.WriteLine($"{samples} samples under load; xact_count {before} -> {after}; pgbench {result.Processed}");
        Assert.True(after - before >= result.Processed, $"xact_count grew by {after - before}, pgbench ran {result.Processed}");
    }

    [Fact(Timeout = 180_000)]
    public async Task Pause_Workers2ViaCliAndConsole_BlocksBothWorkersUntilResume()
    {
        await using var pooler = await StartAsync();
        var clients = await OpenOnBothWorkersAsync(pooler);
        var one = clients.First(c => (c.ProcessID & 0xFF) == 0);
        var two = clients.First(c => (c.ProcessID & 0xFF) == 1);
        var (console, error) = await AdminClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, pooler.Port), PostgresServer.TrustUser);
        Assert.Null(error);
        await using var _console = console;

        // PAUSE through the management socket, RESUME typed into the console (which lands on one worker).
        Assert.Equal("ok", (await CliJsonAsync("pause")).GetProperty("outcome").GetString());
        await AssertBlockedThenReleasedAsync([one, two], async () =>
        {
            var resume = await console.QueryAsync("RESUME");
            Assert.True(resume.ErrorCode is null, resume.ErrorMessage);
        });

        // And the other way round: PAUSE in the console reaches both workers, RESUME through the CLI.
        var pause = await console.QueryAsync("PAUSE");
        Assert.True(pause.ErrorCode is null, pause.ErrorMessage);
        await AssertBlockedThenReleasedAsync([one, two], async () =>
            Assert.Equal("ok", (await CliJsonAsync("resume")).GetProperty("outcome").GetString()));
        Assert.True(HasLine(pooler, "admin: Pause", PostgresServer.TrustUser, "console"), pooler.Log);
        Assert.True(HasLine(pooler, "admin: Pause", "via management socket"), pooler.Log);
        await DisposeAllAsync(clients);
    }

    [Fact(Timeout = 180_000)]
    public async Task Shutdown_Workers2Graceful_OpenTransactionCommitsThenTreeExits()
    {
        await Pg.ExecuteAsync("CREATE TABLE IF NOT EXISTS mgmt_drain (id int)");
        await Pg.ExecuteAsync("TRUNCATE mgmt_drain");
        await using var pooler = await StartAsync();
        await using var client = await pooler.OpenAsync(PostgresServer.SuperUser);
        await client.ExecAsync("BEGIN");
        await client.ExecAsync("INSERT INTO mgmt_drain VALUES (1)");

        var shutdown = CliAsync("--json", "shutdown", "--graceful", "--timeout", "60");
        // The CLI waits until the pooler has stopped, and that waits for this transaction.
        await WaitForAsync(() => pooler.LogContains("supervisor: graceful shutdown"));
        Assert.False(shutdown.IsCompleted);
        await client.ExecAsync("COMMIT");

        var (exit, text, err) = await shutdown.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, text + err + "\n" + pooler.Log);
        await pooler.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, pooler.Process.ExitCode);
        Assert.Equal(1L, await Pg.ScalarAsync("SELECT count(*) FROM mgmt_drain"));
        Assert.False(File.Exists(Socket));
    }

    [Fact(Timeout = 180_000)]
    public async Task Resume_Workers2WorkerDiesMidRequest_PartialResultNamesIt()
    {
        await using var pooler = await StartAsync();
        var pid = await pooler.WorkerRunningAsync(1);
        await PoolerProcess.SignalAsync(pid, "STOP");
        try
        {
            // A stopped worker cannot answer: the request waits for it, then it dies.
            var resume = CliAnswerAsync("resume");
            await WaitForAsync(() => HasLine(pooler, "admin: Resume", "uid", "sent to worker(s) 0,1"));
            pooler.ExpectRestart(1);
            await PoolerProcess.SignalAsync(pid, "KILL");
            var (exit, result) = await resume.WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine(result.ToString());
            Assert.Equal(1, exit);
            Assert.Equal("failed", result.GetProperty("outcome").GetString());
            Assert.Equal("resume.partial", result.GetProperty("code").GetString());
            Assert.Contains("worker 1 died", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        catch (Xunit.Sdk.XunitException)
        {
            output.WriteLine(pooler.Log);
            throw;
        }
        finally
        {
            await ProcessRunner.RunAsync("kill", ["-CONT", pid.ToString(CultureInfo.InvariantCulture)]);
        }
        // The restarted worker answers again, and `workers` counts the restart.
        await pooler.WorkerRunningAsync(1).WaitAsync(TimeSpan.FromSeconds(60));
        await WaitForAsync(async () => (await CliJsonAsync("workers")).GetProperty("result").EnumerateArray()
            .Any(w => w.GetProperty("id").GetInt32() == 1 && w.GetProperty("alive").GetBoolean() && w.GetProperty("restarts").GetInt32() == 1));
    }

    [Fact(Timeout = 180_000)]
    public async Task Pause_Workers2WorkerKilledWhilePaused_RestartedWorkerKeepsClientWaitingUntilResume()
    {
        // The supervisor places the clients (by load), so the late client below surely reaches the restarted worker.
        await using var pooler = await StartAsync("workers_accept = false");
        var clients = await OpenOnBothWorkersAsync(pooler);
        var onZero = clients.Where(c => (c.ProcessID & 0xFF) == 0).ToList();
        var onOne = clients.Where(c => (c.ProcessID & 0xFF) == 1).ToList();
        Assert.Equal("ok", (await CliJsonAsync("pause")).GetProperty("outcome").GetString());

        var pid = await pooler.WorkerRunningAsync(1);
        pooler.ExpectRestart(1);
        await PoolerProcess.SignalAsync(pid, "KILL");
        await pooler.WorkerRunningAsync(1).WaitAsync(TimeSpan.FromSeconds(60));
        // The supervisor hands clients only to workers it knows are ready: wait until it knows the new one is.
        await WaitForAsync(() => pooler.LogLines("worker 1 is ready for clients").Count == 2);
        await DisposeAllAsync(onOne);

        // A pool no worker serves yet goes to the least loaded worker: the restarted one, which holds no client.
        // Its first client waits for a server login, which a paused database does not start.
        var open = pooler.OpenAsync(PostgresServer.SuperUser);
        await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(open.IsCompleted, "a client of the restarted worker got a server while paused\n" + pooler.Log);
        Assert.True(HasLine(pooler, "worker 1: restoring the admin state: PAUSE (all)"), pooler.Log);

        Assert.Equal("ok", (await CliJsonAsync("resume")).GetProperty("outcome").GetString());
        await using var late = await open.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, late.ProcessID & 0xFF);
        Assert.Equal(1, await late.ScalarAsync("SELECT 1"));
        await DisposeAllAsync(onZero);
    }

    [Fact(Timeout = 240_000)]
    public async Task Set_Workers2BothWorkersRestarted_KeepSetValueUntilReload()
    {
        await using var pooler = await StartAsync(poolSize: 10);
        Assert.Equal("ok", (await CliJsonAsync("config", "set", "default_pool_size", "3")).GetProperty("outcome").GetString());

        await RestartBothWorkersAsync(pooler);
        Assert.Equal("3", await ConfigValueAsync("default_pool_size"));

        // RELOAD puts the file's value back in force, as PgBouncer re-applies its file; restarts keep that too.
        Assert.Equal("ok", (await CliJsonAsync("reload")).GetProperty("outcome").GetString());
        await WaitForAsync(async () => await ConfigValueAsync("default_pool_size") == "10");
        await RestartBothWorkersAsync(pooler);
        Assert.Equal("10", await ConfigValueAsync("default_pool_size"));
    }

    // Kill -9 each worker in turn and wait for its successor, so every snapshot part comes from a restarted process.
    private static async Task RestartBothWorkersAsync(PoolerProcess pooler)
    {
        foreach (var id in new[] { 0, 1 })
        {
            var pid = await pooler.WorkerRunningAsync(id);
            pooler.ExpectRestart(id);
            await PoolerProcess.SignalAsync(pid, "KILL");
            await pooler.WorkerRunningAsync(id).WaitAsync(TimeSpan.FromSeconds(60));
        }
        await pooler.WaitConnectableAsync();
    }

    private async Task<string?> ConfigValueAsync(string key) =>
        (await CliJsonAsync("config", "get", key)).GetProperty("result").EnumerateArray().Single().GetProperty("value").GetString();

    [Fact(Timeout = 180_000)]
    public async Task Metrics_Workers2DuringLoad_CountersOnlyIncreaseGaugesMatchShowPools()
    {
        await PgBenchTables.EnsureAsync(Pg);
        var port = FreePort.Next();
        await using var pooler = await StartAsync($"metrics_port = {port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var bench = PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser, PostgresServer.Database,
            ["-c", "20", "-j", "2", "-T", "3", "-S"]);

        // Timed, not counted: a fast CI machine finished 4,000 selects between two scrapes.
        Dictionary<string, double>? previous = null;
        var scrapes = 0;
        while (!bench.IsCompleted)
        {
            var counters = Samples(await http.GetStringAsync("metrics"), counter: true);
            if (previous is not null)
            {
                foreach (var (key, value) in previous)
                {
                    Assert.True(counters.TryGetValue(key, out var now), $"{key} disappeared");
                    Assert.True(now >= value, $"{key} went from {value} to {now}");
                }
            }
            previous = counters;
            scrapes++;
        }
        var result = await bench;
        Assert.True(result.Process.Succeeded, result.Process.StdErr);
        Assert.True(scrapes >= 2, $"only {scrapes} scrapes");

        var (console, _) = await AdminClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, pooler.Port), PostgresServer.TrustUser);
        await using var _console = console;
        var columns = new[]
        {
            ("pooler_pool_servers", "active", "sv_active"), ("pooler_pool_servers", "idle", "sv_idle"),
            ("pooler_pool_servers", "login", "sv_login"), ("pooler_pool_clients", "waiting", "cl_waiting"),
            ("pooler_pool_clients", "active", "cl_active"),
        };
        // Servers still settle after the load (logins, resets): compare once two scrapes around SHOW POOLS agree.
        string text;
        Dictionary<string, double> gauges;
        Dictionary<string, string?> show;
        string labels;
        var attempts = 0;
        while (true)
        {
            text = await http.GetStringAsync("metrics");
            gauges = Samples(text, counter: false);
            show = (await console.QueryAsync("SHOW POOLS")).Records.Single(r => r["database"] == PostgresServer.Database && r["user"] == PostgresServer.SuperUser);
            var again = Samples(await http.GetStringAsync("metrics"), counter: false);
            labels = $"database=\"{PostgresServer.Database}\",user=\"{show["user"]}\"";
            var keys = columns.Select(c => $"{c.Item1}{{{labels},state=\"{c.Item2}\"}}").ToList();
            if (keys.All(k => gauges[k] == again[k]) || ++attempts >= 50)
                break;
            await Task.Delay(100);
        }
        foreach (var (family, state, column) in columns)
            Assert.Equal(double.Parse(show[column]!, CultureInfo.InvariantCulture), gauges[$"{family}{{{labels},state=\"{state}\"}}"]);
        Assert.Equal(1, gauges["pooler_worker_up{worker=\"0\"}"]);
        Assert.Equal(1, gauges["pooler_worker_up{worker=\"1\"}"]);
        Assert.True(Samples(text, counter: true)[$"pooler_transactions_total{{{labels}}}"] >= result.Processed);
        output.WriteLine($"{scrapes} scrapes during {result.Processed} transactions");
    }

    // "name{labels} value" lines of the families whose TYPE is counter (or, else, gauge).
    private static Dictionary<string, double> Samples(string text, bool counter)
    {
        var types = new Dictionary<string, string>();
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#'))
                continue;
            var space = line.LastIndexOf(' ');
            var key = line[..space];
            var name = key.Split('{')[0];
            if ((types.GetValueOrDefault(name) == "counter") == counter)
                samples[key] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return samples;
    }

    private async Task<long> XactCountAsync()
    {
        var stats = (await CliJsonAsync("stats")).GetProperty("result").EnumerateArray()
            .SingleOrDefault(s => s.GetProperty("database").GetString() == PostgresServer.Database);
        return stats.ValueKind == JsonValueKind.Object ? stats.GetProperty("totals").GetProperty("xact_count").GetInt64() : 0;
    }

    private static async Task AssertBlockedThenReleasedAsync(NpgsqlConnection[] clients, Func<Task> release)
    {
        var queries = clients.Select(c => c.ScalarAsync("SELECT 1")).ToList();
        // Proving that something does not happen needs a bounded wait; a second is ample for a local SELECT 1.
        await Task.WhenAny(Task.WhenAny(queries), Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.All(queries, q => Assert.False(q.IsCompleted, "a query ran while paused"));
        await release();
        foreach (var q in queries)
            Assert.Equal(1, await q.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Workers2_WorkersAccept_DecidesWhoAcceptsTcpClients(bool workersAccept)
    {
        await using var pooler = await StartAsync(workersAccept ? "" : "workers_accept = false");
        // Until a worker says it is ready the supervisor accepts from its socket too; count from then on.
        await pooler.WaitForLineAsync("worker 0 is ready for clients", TimeSpan.FromSeconds(30));
        await pooler.WaitForLineAsync("worker 1 is ready for clients", TimeSpan.FromSeconds(30));
        var before = await WorkerCountsAsync();
        const int count = 24;
        var clients = new List<NpgsqlConnection>();
        for (var i = 0; i < count; i++)
        {
            var c = await pooler.OpenAsync();
            Assert.Equal(1, await c.ScalarAsync("SELECT 1"));
            clients.Add(c);
        }
        var after = await WorkerCountsAsync();
        await DisposeAllAsync(clients);
        var accepted = after.Select((a, i) => a.Accepted - before[i].Accepted).ToArray();
        var handed = after.Select((a, i) => a.Handed - before[i].Handed).ToArray();
        output.WriteLine($"accepted by the workers {string.Join('/', accepted)}, handed over {string.Join('/', handed)}");
        if (workersAccept)
        {
            Assert.Equal(count, accepted.Sum());
            Assert.Equal(0, handed.Sum());
            // The kernel hashes source ports over the two sockets: 24 clients on one would be a 1 in 2^23 chance.
            Assert.All(accepted, a => Assert.True(a > 0));
        }
        else
        {
            Assert.Equal(0, accepted.Sum());
            Assert.Equal(count, handed.Sum());
        }
    }

    private async Task<(int Accepted, int Handed)[]> WorkerCountsAsync() =>
        (await CliJsonAsync("workers")).GetProperty("result").EnumerateArray()
            .OrderBy(w => w.GetProperty("id").GetInt32())
            .Select(w => (w.GetProperty("accepted").GetInt32(), w.GetProperty("handed").GetInt32())).ToArray();

    private static async Task<List<NpgsqlConnection>> OpenOnBothWorkersAsync(PoolerProcess pooler)
    {
        var list = new List<NpgsqlConnection>();
        while (list.Count < 40 && list.Select(c => c.ProcessID & 0xFF).Distinct().Count() < 2)
        {
            var c = await pooler.OpenAsync();
            await c.ScalarAsync("SELECT 1");
            list.Add(c);
        }
        Assert.Equal(2, list.Select(c => c.ProcessID & 0xFF).Distinct().Count());
        return list;
    }

    private static async Task DisposeAllAsync(List<NpgsqlConnection> clients)
    {
        foreach (var c in clients)
            await c.DisposeAsync();
    }

    private static bool HasLine(PoolerProcess pooler, params string[] parts) =>
        pooler.Log.Split('\n').Any(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in 60 s");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
