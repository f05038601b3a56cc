// The checks with workers = 2 on the real executable: shared pool limit, cancel routing, a killed worker,
// a killed supervisor, SIGHUP reload and SIGTERM graceful stop.
using System.Diagnostics;
using Npgsql;
using Pooler.TestSupport;
using Pooler.Tests.Workers;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class WorkerProcessTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 180_000)]
    public async Task Workers2_PgBench200Clients_ServersNeverExceedPoolSize()
    {
        await PgBenchTables.EnsureAsync(Pg);
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 10);

        PgBenchResult result;
        await using (var sampler = new ConnectionSampler(Pg, PostgresServer.SuperUser))
        {
            result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser, PostgresServer.Database,
                ["-c", "200", "-j", "2", "-T", "10", "-S"]);
            output.WriteLine($"pgbench -c 200 -S, workers = 2: {result.Processed} transactions, {result.Failed} failed, " +
                $"{result.Tps:F0} tps; max server connections {sampler.Max} over {sampler.Samples} samples");
            Assert.True(sampler.Samples > 10, $"only {sampler.Samples} samples");
            Assert.InRange(sampler.Max, 1, 10);
        }
        Assert.True(result.Process.Succeeded, result.Process.StdErr + "\n" + pooler.Log);
        Assert.Equal(0, result.Failed);
        Assert.True(result.Processed > 0);
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_CancelRequest_ReachesTheOwningWorker()
    {
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 30);
        var clients = await OpenManyAsync(pooler, 24);
        try
        {
            // The worker id is in the low byte of the pooler-issued process id.
            var byWorker = clients.GroupBy(c => c.ProcessID & 0xFF).ToDictionary(g => g.Key, g => g.First());
            Assert.Equal([0, 1], byWorker.Keys.Order());
            foreach (var (worker, client) in byWorker)
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_sleep(30)", client);
                var running = cmd.ExecuteScalarAsync();
                await Task.Delay(300); // let the query reach the server; the cancel is only forwarded while it runs
                await Task.Run(cmd.Cancel);
                // Npgsql reports a cancel it asked for as OperationCanceledException around the server's error.
                var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(async () => await running.WaitAsync(TimeSpan.FromSeconds(20)));
                var ex = Assert.IsType<PostgresException>(cancelled.InnerException);
                Assert.Equal("57014", ex.SqlState);
                output.WriteLine($"worker {worker}: cancelled ({ex.MessageText})");
            }
            // Each cancel is a new connection that the kernel gives to either worker's socket: repeat until one
            // reached the worker not owning the key and was passed on (a 1 in 2^20 chance of never happening).
            var client0 = byWorker[0];
            for (var round = 0; round < 20 && !pooler.LogContains("passed on through the supervisor"); round++)
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_sleep(30)", client0);
                var running = cmd.ExecuteScalarAsync();
                await Task.Delay(300);
                await Task.Run(cmd.Cancel);
                var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(async () => await running.WaitAsync(TimeSpan.FromSeconds(20)));
                Assert.Equal("57014", Assert.IsType<PostgresException>(cancelled.InnerException).SqlState);
            }
            Assert.True(pooler.LogContains("passed on through the supervisor"), pooler.Log);
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync();
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Workers2_KillOneWorker_OthersCarryOnAndItRestarts()
    {
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 10);
        var clients = await OpenManyAsync(pooler, 24);
        var workerOf = clients.Select(c => c.ProcessID & 0xFF).ToArray();
        var victim = 1;
        var victimPid = await pooler.WorkerRunningAsync(victim);
        using var stop = new CancellationTokenSource();
        var loops = clients.Select(c => QueryLoopAsync(c, stop.Token)).ToArray();
        await Task.Delay(1000);

        pooler.ExpectRestart(victim);
        await PoolerProcess.SignalAsync(victimPid, "KILL");
        var clock = Stopwatch.StartNew();
        // New clients keep coming to the dead worker's socket too (the supervisor accepts them until it is back).
        for (var i = 0; i < 8; i++)
        {
            await using var fresh = await pooler.OpenAsync();
            Assert.Equal(1, await fresh.ScalarAsync("SELECT 1"));
        }
        output.WriteLine($"8 new clients were served {clock.ElapsedMilliseconds} ms after kill -9 of worker {victim}");
        await Task.Delay(1500);
        stop.Cancel();
        var errors = await Task.WhenAll(loops);

        for (var i = 0; i < clients.Count; i++)
        {
            var worker = workerOf[i];
            if (worker != victim)
                Assert.True(errors[i] == 0, $"client of worker {worker} saw {errors[i]} errors");
        }
        Assert.Contains(errors.Select((e, i) => (e, i)), x => x.e > 0 && workerOf[x.i] == victim);
        var newPid = await pooler.WorkerRunningAsync(victim).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(victimPid, newPid);
        Assert.True(pooler.LogContains($"worker {victim} died"), pooler.Log);
        foreach (var c in clients)
            await c.DisposeAsync();
        // The dead worker's server slots were reclaimed: 24 fresh clients still fit in pool_size 10.
        var after = await OpenManyAsync(pooler, 24);
        await Task.WhenAll(after.Select(c => c.ScalarAsync("SELECT 1")));
        Assert.InRange(await ServerCountAsync(), 1, 10);
        foreach (var c in after)
            await c.DisposeAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_KillSupervisor_EveryWorkerGoneWithin2Seconds()
    {
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 5);
        var pids = new[] { await pooler.WorkerRunningAsync(0), await pooler.WorkerRunningAsync(1) };
        await using (var c = await pooler.OpenAsync())
            Assert.Equal(1, await c.ScalarAsync("SELECT 1"));

        await PoolerProcess.SignalAsync(pooler.Pid, "KILL");
        var clock = Stopwatch.StartNew();
        while (pids.Any(PoolerProcess.IsAlive) && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20);
        output.WriteLine($"workers gone {clock.ElapsedMilliseconds} ms after kill -9 of the supervisor");
        Assert.False(pids.Any(PoolerProcess.IsAlive), "a worker outlived the supervisor");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"workers took {clock.ElapsedMilliseconds} ms to go");
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_SighupWithLargerPoolSize_WaiterServedAndHolderKeepsSession()
    {
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 1);
        await using var holder = await pooler.OpenAsync();
        await holder.ExecAsync("BEGIN");
        var holderPid = (int)(await holder.ScalarAsync("SELECT pg_backend_pid()"))!;
        // The waiter must be on the other worker: there the shared entry refused its pool, and before the fix nothing
        // asked it again after the reload (the waiter hung; on the holder's worker the reload alone served it).
        var holderWorker = holder.ProcessID & 0xFF;
        var spare = new List<NpgsqlConnection>();
        NpgsqlConnection? found = null;
        while (found is null && spare.Count < 40)
        {
            var c = await pooler.OpenAsync();
            if ((c.ProcessID & 0xFF) != holderWorker) found = c;
            else spare.Add(c);
        }
        foreach (var c in spare)
            await c.DisposeAsync();
        await using var waiter = found ?? throw new InvalidOperationException("no client landed on the other worker");
        var waiting = waiter.ScalarAsync("SELECT pg_backend_pid()");
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted, "pool_size 1 held across workers should make the second client wait");

        await File.WriteAllTextAsync(pooler.ConfigPath, PoolerProcess.Toml(Pg, pooler.Port, 2, poolSize: 2));
        await PoolerProcess.SignalAsync(pooler.Pid, "HUP");

        var waiterPid = (int)(await waiting.WaitAsync(TimeSpan.FromSeconds(20)))!;
        Assert.NotEqual(holderPid, waiterPid);
        Assert.Equal(holderPid, (int)(await holder.ScalarAsync("SELECT pg_backend_pid()"))!);
        await holder.ExecAsync("COMMIT");
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_OnlyServerBusyInOtherWorker_NewClientStillLogsIn()
    {
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 1);
        await using var holder = await pooler.OpenAsync();
        await holder.ExecAsync("BEGIN");
        await holder.ScalarAsync("SELECT 1");
        var holderWorker = holder.ProcessID & 0xFF;

        // The kernel spreads new clients over both workers' sockets: log in until one lands on the other worker, whose
        // pool has never had a server. Its welcome uses the ParameterStatus set the holder's worker passed on; before,
        // that login waited for the one server slot (the test's holder) and timed out.
        var clients = new List<NpgsqlConnection>();
        try
        {
            while (clients.Count < 40 && clients.All(c => (c.ProcessID & 0xFF) == holderWorker))
                clients.Add(await pooler.OpenAsync());
            var other = Assert.Single(clients, c => (c.ProcessID & 0xFF) != holderWorker);
            Assert.Equal(holder.PostgresParameters["server_version"], other.PostgresParameters["server_version"]);
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync();
        }
        await holder.ExecAsync("COMMIT");
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_SigtermDuringTransaction_CommitsThenExits()
    {
        await Pg.ExecuteAsync("CREATE TABLE IF NOT EXISTS worker_sigterm(x int); TRUNCATE worker_sigterm; GRANT ALL ON worker_sigterm TO PUBLIC");
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 5);
        await using var client = await pooler.OpenAsync();
        await client.ExecAsync("BEGIN");
        await client.ExecAsync("INSERT INTO worker_sigterm VALUES (1)");

        await PoolerProcess.SignalAsync(pooler.Pid, "TERM");
        await Task.Delay(500);
        Assert.False(pooler.Process.HasExited, "the pooler left before the open transaction finished");
        await client.ScalarAsync("SELECT pg_sleep(0.5)");
        await client.ExecAsync("COMMIT");

        await pooler.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, pooler.Process.ExitCode);
        Assert.Equal(1L, await Pg.ScalarAsync("SELECT count(*) FROM worker_sigterm"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_AdminShowClients_ListsClientsOfEveryWorker()
    {
        await using var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: 10,
            extra: $"admin_users = [\"{PostgresServer.TrustUser}\"]");
        var clients = await OpenManyAsync(pooler, 24);
        try
        {
            var result = await ProcessRunner.RunAsync("psql", ["-h", "127.0.0.1", "-p", pooler.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-U", PostgresServer.TrustUser, "-d", "pgbouncer", "-At", "-F", "|", "-c", "SHOW CLIENTS"],
                environment: new Dictionary<string, string?> { ["PGSSLMODE"] = "disable" });
            Assert.True(result.ExitCode == 0, result.StdErr + "\n" + pooler.Log);
            var ptrs = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('|')[14]).ToList();
            output.WriteLine(string.Join(" ", ptrs));
            // 24 clients + the admin connection itself, from both workers (ptr = C-WORKER-ID).
            Assert.Equal(25, ptrs.Count);
            Assert.Contains(ptrs, p => p.StartsWith("C-0-", StringComparison.Ordinal));
            Assert.Contains(ptrs, p => p.StartsWith("C-1-", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync();
        }
    }

    private static async Task<List<NpgsqlConnection>> OpenManyAsync(PoolerProcess pooler, int n)
    {
        var list = new List<NpgsqlConnection>();
        for (var i = 0; i < n; i++)
            list.Add(await pooler.OpenAsync());
        return list;
    }

    private static async Task<int> QueryLoopAsync(NpgsqlConnection c, CancellationToken ct)
    {
        var errors = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await c.ScalarAsync("SELECT 1");
            }
            catch (Exception)
            {
                errors++;
                return errors;
            }
        }
        return errors;
    }

    private async Task<long> ServerCountAsync() =>
        (long)(await Pg.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' " +
            $"AND usename = '{PostgresServer.TrustUser}' AND datname = '{PostgresServer.Database}'"))!;
}
