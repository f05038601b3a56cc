// SHOW STATS, SHOW TOTALS and `pooler admin stats` with workers = 2 when a worker is killed: pool counters live in
// shared memory, so the totals keep the dead worker's counts and its successor counts on from them.
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
public sealed class WorkerStatsTests(PostgresFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pooler-stats-").FullName;

    private PostgresServer Pg => fixture.Server;

    private string Socket => Path.Combine(_dir, "mgmt.sock");

    [Fact(Timeout = 240_000)]
    public async Task ShowStats_Workers2WorkerKilled_TotalsDoNotDropAndKeepGrowing()
    {
        await PgBenchTables.EnsureAsync(Pg);
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2,
            extra: $"admin_users = [\"{PostgresServer.TrustUser}\"]\nmanagement_socket = \"{Socket}\"\n");
        try
        {
            var load = await BenchAsync(pooler);
            // Transactions on a client of worker 1 for certain, so the worker about to be killed holds counts of its own.
            const int onWorker1 = 50;
            await using (var client = await OpenOnWorkerAsync(pooler, 1))
            {
                for (var i = 0; i < onWorker1; i++)
                    Assert.Equal(1, await client.ScalarAsync("SELECT 1"));
            }
            var before = await ConsoleTotalsAsync(pooler);
            Assert.True(before.Stats >= load + onWorker1, $"SHOW STATS total_xact_count {before.Stats}, ran {load} + {onWorker1}");

            var pid = await pooler.WorkerRunningAsync(1);
            pooler.ExpectRestart(1);
            await PoolerProcess.SignalAsync(pid, "KILL");
            // Dead or being restarted, the worker's counts stay in what the supervisor reports.
            var whileDead = await CliXactCountAsync();
            await pooler.WorkerRunningAsync(1).WaitAsync(TimeSpan.FromSeconds(60));
            await WaitForAsync(() => pooler.LogLines("worker 1 is ready for clients").Count == 2);
            var restarted = await ConsoleTotalsAsync(pooler);
            var restartedCli = await CliXactCountAsync();
            output.WriteLine($"xact_count before kill {before}, while dead {whileDead}, after restart {restarted} (cli {restartedCli})");
            Assert.True(whileDead >= before.Stats, $"pooler admin stats dropped from {before.Stats} to {whileDead}");
            Assert.True(restarted.Stats >= before.Stats, $"SHOW STATS dropped from {before.Stats} to {restarted.Stats}");
            Assert.True(restarted.Totals >= before.Totals, $"SHOW TOTALS dropped from {before.Totals} to {restarted.Totals}");
            Assert.True(restartedCli >= before.Stats, $"pooler admin stats dropped from {before.Stats} to {restartedCli} after the restart");

            // Both workers, the restarted one included, go on counting.
            var more = await BenchAsync(pooler);
            await using (var client = await OpenOnWorkerAsync(pooler, 1))
                Assert.Equal(1, await client.ScalarAsync("SELECT 1"));
            var after = await ConsoleTotalsAsync(pooler);
            Assert.True(after.Stats - restarted.Stats >= more + 1, $"SHOW STATS grew by {after.Stats - restarted.Stats}, ran {more} + 1");
            Assert.True(await CliXactCountAsync() >= after.Stats);
        }
        catch (Xunit.Sdk.XunitException)
        {
            output.WriteLine(pooler.Log);
            throw;
        }
    }

    private static async Task<long> BenchAsync(PoolerProcess pooler)
    {
        var result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser, PostgresServer.Database,
            ["-c", "20", "-j", "2", "-t", "100", "-S"]);
        Assert.True(result.Complete, result.Process.StdErr);
        return result.Processed;
    }

    // The supervisor hands each new client to the least loaded worker: open until one lands on worker id.
    private static async Task<NpgsqlConnection> OpenOnWorkerAsync(PoolerProcess pooler, int id)
    {
        var others = new List<NpgsqlConnection>();
        try
        {
            while (others.Count < 40)
            {
                var c = await pooler.OpenAsync();
                if ((c.ProcessID & 0xFF) == id)
                    return c;
                others.Add(c);
            }
            throw new Xunit.Sdk.XunitException($"no client landed on worker {id} in 40 tries");
        }
        finally
        {
            foreach (var c in others)
                await c.DisposeAsync();
        }
    }

    // SHOW STATS total_xact_count of the test database and SHOW TOTALS total_xact_count, read through a new console
    // connection (an old one may have been on the killed worker).
    private static async Task<(long Stats, long Totals)> ConsoleTotalsAsync(PoolerProcess pooler)
    {
        var (console, error) = await AdminClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, pooler.Port), PostgresServer.TrustUser);
        Assert.Null(error);
        await using var _ = console;
        var stats = (await console.QueryAsync("SHOW STATS")).Records.FirstOrDefault(r => r["database"] == PostgresServer.Database);
        var totals = (await console.QueryAsync("SHOW TOTALS")).Records.Single(r => r["name"] == "total_xact_count");
        return (stats is null ? 0 : long.Parse(stats["total_xact_count"]!, CultureInfo.InvariantCulture),
            long.Parse(totals["value"]!, CultureInfo.InvariantCulture));
    }

    // `pooler admin --json stats` through the management socket: the supervisor's merge, not a worker's.
    private async Task<long> CliXactCountAsync()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(["admin", "--socket", Socket, "--json", "stats"],
            new CommandContext { Out = stdout, Error = stderr, HandleSignals = false });
        Assert.True(exit == 0, $"pooler admin stats: exit {exit}\n{stdout}{stderr}");
        using var doc = JsonDocument.Parse(stdout.ToString());
        var stats = doc.RootElement.GetProperty("result").EnumerateArray()
            .SingleOrDefault(s => s.GetProperty("database").GetString() == PostgresServer.Database);
        return stats.ValueKind == JsonValueKind.Object ? stats.GetProperty("totals").GetProperty("xact_count").GetInt64() : 0;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
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
