// Prepared statements in transaction mode, end to end against PostgreSQL: pgbench -M prepared, Npgsql auto-prepare,
// pipelines with errors, a client leaving mid-batch, and two clients using the same statement name.
using System.Buffers;
using System.Text;
using Npgsql;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class PreparedStatementTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 180_000)]
    public async Task PgBench_PreparedMode50ClientsPool5_NoFailuresAndFewServerParses()
    {
        await PgBenchTables.EnsureAsync(Pg);
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 5 });

        // One thread per client: pgbench prepares with the blocking PQprepare, so with several clients per thread one
        // client queued for a server would stall the thread's other clients, which hold the servers in their transactions.
        var result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser, PostgresServer.Database,
            [.. (Environment.GetEnvironmentVariable("PREP_PGBENCH") ?? "-c 50 -j 50 -t 40").Split(' '), "-M", "prepared"]);

        var (clientParses, serverParses, binds) = await ParseCountsAsync(pooler);
        output.WriteLine($"pgbench -M prepared: {result.Processed}/{result.Expected}, {result.Failed} failed, {result.Tps:F0} tps; " +
            $"client parses {clientParses}, server parses {serverParses}, binds {binds}");
        Assert.True(result.Complete, result.Process.StdOut + result.Process.StdErr);
        Assert.Equal(0, result.Failed);
        // tpcb-like has 7 statements: each client parses them once (350); at most 5 servers x 7 need them on the server.
        Assert.True(clientParses >= 350, $"client parses {clientParses}");
        Assert.True(serverParses <= 5 * 7, $"server parses {serverParses}");
        Assert.True(binds >= 50 * 40 * 7, $"binds {binds}");
    }

    [Fact(Timeout = 180_000)]
    public async Task Npgsql_AutoPrepareAndExplicitPrepare_200Connections100Statements_CorrectResults()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 5 });
        var cs = pooler.ConnectionString() + ";Max Auto Prepare=20;Auto Prepare Min Usages=2";
        var errors = 0;
        var checks = 0;

        async Task RunClientAsync(int client)
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            for (int round = 0; round < 3; round++)
            {
                for (int k = 0; k < 10; k++)
                {
                    int s = (client * 7 + k * 13 + round) % 100;   // 100 distinct statements across clients
                    await using var cmd = new NpgsqlCommand($"SELECT $1::int + {s}, '{s}'::text", conn);
                    cmd.Parameters.Add(new NpgsqlParameter { Value = client });
                    if (k % 3 == 0)
                        await cmd.PrepareAsync();
                    await using var reader = await cmd.ExecuteReaderAsync();
                    Assert.True(await reader.ReadAsync());
                    if (reader.GetInt32(0) != client + s || reader.GetString(1) != s.ToString())
                        Interlocked.Increment(ref errors);
                    Interlocked.Increment(ref checks);
                }
            }
        }

        // 200 connections, 20 at a time, through a pool of 5.
        for (int batch = 0; batch < 10; batch++)
            await Task.WhenAll(Enumerable.Range(batch * 20, 20).Select(RunClientAsync));

        var (clientParses, serverParses, binds) = await ParseCountsAsync(pooler);
        output.WriteLine($"Npgsql: {checks} checks, {errors} wrong; client parses {clientParses}, server parses {serverParses}, binds {binds}");
        Assert.Equal(200 * 30, checks);
        Assert.Equal(0, errors);
        Assert.True(serverParses < clientParses, $"server {serverParses} client {clientParses}");
    }

    [Fact(Timeout = 60_000)]
    public async Task TwoClients_SameStatementNameDifferentQueries_EachGetsOwnResult()
    {
        // pool_size 1: both clients' statements live on the very same server; Npgsql names both "_p1".
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var a = await pooler.OpenAsync();
        await using var b = await pooler.OpenAsync();
        await using var ca = new NpgsqlCommand("SELECT 'from a'", a);
        await using var cb = new NpgsqlCommand("SELECT 'from b'", b);
        await ca.PrepareAsync();
        await cb.PrepareAsync();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("from a", await ca.ExecuteScalarAsync());
            Assert.Equal("from b", await cb.ExecuteScalarAsync());
        }
        Assert.Equal(2L, await a.ScalarAsync("SELECT count(*) FROM pg_prepared_statements"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Pipeline_ErrorInMiddleOfBatch_ServerCleanForNextClient()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using (var a = new NpgsqlConnection(pooler.ConnectionString() + ";Max Auto Prepare=10;Auto Prepare Min Usages=1"))
        {
            await a.OpenAsync();
            for (int round = 0; round < 3; round++)
            {
                await using var batch = new NpgsqlBatch(a)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand("SELECT 1"),
                        new NpgsqlBatchCommand("SELECT 1/0"),
                        new NpgsqlBatchCommand("SELECT * FROM no_such_table_" + round),
                        new NpgsqlBatchCommand("SELECT 3"),
                    },
                };
                var ex = await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync());
                Assert.Equal("22012", ex.SqlState);
                // The same client goes on: its statements still work after the failed batch.
                Assert.Equal(3, await a.ScalarAsync("SELECT 3"));
                Assert.Equal(1, await a.ScalarAsync("SELECT 1"));
            }
            // A Parse that fails (missing table) is not remembered as prepared: creating the table makes it work.
            await using var c = new NpgsqlCommand("SELECT count(*) FROM prep_later", a);
            await Assert.ThrowsAsync<PostgresException>(() => c.PrepareAsync());
        }

        await using var b = await pooler.OpenAsync();
        // An aborted transaction left behind would answer 25P02 here.
        Assert.Equal(7, await b.ScalarAsync("SELECT 7"));
        Assert.Equal(0L, await b.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientDisconnect_MidBatch_ServerCleanForNextClient()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using (var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint))
        {
            await raw.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database));
            Assert.NotNull(await raw.ReadUntilAsync('Z'));
            var w = new ArrayBufferWriter<byte>();
            FrontendMessages.WriteParse(w, "s1", "SELECT 1/0", ReadOnlySpan<uint>.Empty);
            FrontendMessages.WriteSync(w);
            FrontendMessages.WriteParse(w, "s2", "SELECT pg_sleep(0.2)", ReadOnlySpan<uint>.Empty);
            FrontendMessages.WriteBind(w, "", "s2", ReadOnlySpan<string?>.Empty);
            FrontendMessages.WriteExecute(w, "");
            // No Sync: the client vanishes with its batch half sent.
            await raw.SendAsync(w.WrittenSpan.ToArray());
            Assert.NotNull(await raw.ReadUntilAsync('Z'));
            raw.Reset();
        }

        await using var b = await pooler.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT 'clean'", b);
        await cmd.PrepareAsync();
        Assert.Equal("clean", await cmd.ExecuteScalarAsync());
        Assert.Equal("clean", await cmd.ExecuteScalarAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task RawPipeline_ParseOfKnownStatementAndClose_RepliesInOrder()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await raw.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database));
        Assert.NotNull(await raw.ReadUntilAsync('Z'));

        var w = new ArrayBufferWriter<byte>();
        FrontendMessages.WriteParse(w, "a", "SELECT 41 + 1", ReadOnlySpan<uint>.Empty);
        FrontendMessages.WriteSync(w);
        // Same text under another name: the server has it already, so the pooler answers this ParseComplete itself.
        FrontendMessages.WriteParse(w, "b", "SELECT 41 + 1", ReadOnlySpan<uint>.Empty);
        FrontendMessages.WriteBind(w, "", "b", ReadOnlySpan<string?>.Empty);
        FrontendMessages.WriteExecute(w, "");
        FrontendMessages.WriteClose(w, StatementTarget.Statement, "a");
        FrontendMessages.WriteBind(w, "", "a", ReadOnlySpan<string?>.Empty);
        FrontendMessages.WriteExecute(w, "");
        FrontendMessages.WriteSync(w);
        FrontendMessages.WriteFlush(w);
        await raw.SendAsync(w.WrittenSpan.ToArray());

        var codes = new StringBuilder();
        var zs = 0;
        while (zs < 2 && await raw.ReadMessageAsync() is { } m)
        {
            codes.Append((char)m.Code);
            if (m.Code == 'E')
                codes.Append('[').Append(ErrorCode(m.Body)).Append(']');
            zs += m.Code == 'Z' ? 1 : 0;
        }
        // Parse a, Sync | Parse b, Bind, Execute (row, complete), Close a, Bind a -> 26000, skipped to Sync.
        Assert.Equal("1Z12DC3E[26000]Z", codes.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task SqlPrepare_TransactionMode_RefusedWithFeatureNotSupported()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var a = await pooler.OpenAsync();
        foreach (var sql in new[] { "PREPARE p1 AS SELECT 1", "SELECT 1; EXECUTE p1", "DEALLOCATE p1", "explain (costs off) execute p1" })
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => a.ExecAsync(sql));
            Assert.Equal("0A000", ex.SqlState);
            Assert.Contains("transaction pooling mode", ex.MessageText);
        }
        // Inside strings, comments and dollar quotes the words mean nothing; DEALLOCATE ALL is allowed.
        Assert.Equal("PREPARE x", await a.ScalarAsync("SELECT 'PREPARE x' /* ; EXECUTE y */"));
        Assert.Equal("ok", await a.ScalarAsync("SELECT $q$; EXECUTE z$q$::text <> '' AND true AS x -- ; PREPARE\n, 'ok'") is { } ? "ok" : null);
        await a.ExecAsync("DEALLOCATE ALL");
        Assert.Equal(1, await a.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task DiscardAll_ClearsOnlyThatClientsStatements()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var a = await pooler.OpenAsync();
        await using var b = await pooler.OpenAsync();
        await using var ca = new NpgsqlCommand("SELECT 'a'", a);
        await using var cb = new NpgsqlCommand("SELECT 'b'", b);
        await ca.PrepareAsync();
        await cb.PrepareAsync();

        await using (var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint))
        {
            await raw.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database));
            Assert.NotNull(await raw.ReadUntilAsync('Z'));
            await raw.SendAsync(RawClient.Query("DISCARD ALL"));
            Assert.NotNull(await raw.ReadUntilAsync('Z'));
        }
        // The server lost every statement; a and b still have theirs (re-prepared on demand).
        Assert.Equal("a", await ca.ExecuteScalarAsync());
        Assert.Equal("b", await cb.ExecuteScalarAsync());
        Assert.Equal(2, await pooler.Instance.Runtime.Engine.Invoke(() =>
            pooler.Instance.Runtime.Sessions.Count(s => s.PreparedStatementCount == 1)));
    }

    [Fact(Timeout = 60_000)]
    public async Task MaxPreparedStatements_SmallCache_EvictsAndStillCorrect()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1, MaxPreparedStatements = 3 });
        await using var a = await pooler.OpenAsync();
        var commands = new List<NpgsqlCommand>();
        for (int i = 0; i < 8; i++)
        {
            var cmd = new NpgsqlCommand($"SELECT {i} AS v", a);
            await cmd.PrepareAsync();
            commands.Add(cmd);
        }
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 8; i++)
                Assert.Equal(i, await commands[i].ExecuteScalarAsync());
        }
        Assert.InRange((long)(await a.ScalarAsync("SELECT count(*) FROM pg_prepared_statements"))!, 1, 3);
        foreach (var c in commands)
            await c.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Set_UnreportedParameters_FollowTheClientAndNeverLeak()
    {
        // pool_size 1: both clients share one server, so anything not restored would leak.
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var a = await pooler.OpenAsync();
        await using var b = await pooler.OpenAsync();
        var defaultTimeout = await b.ScalarAsync("SHOW statement_timeout");

        await a.ExecAsync("SET statement_timeout = 4321; SET search_path TO pg_catalog, public");
        Assert.Equal(defaultTimeout, await b.ScalarAsync("SHOW statement_timeout"));
        Assert.Equal("\"$user\", public", await b.ScalarAsync("SHOW search_path"));
        Assert.Equal("4321ms", await a.ScalarAsync("SHOW statement_timeout"));
        Assert.Equal("pg_catalog, public", await a.ScalarAsync("SHOW search_path"));

        // A SET in a rolled-back transaction is undone by PostgreSQL, and so in the pooler's record.
        await a.ExecAsync("BEGIN; SET statement_timeout = 999; ROLLBACK");
        Assert.Equal(defaultTimeout, await b.ScalarAsync("SHOW statement_timeout"));
        Assert.Equal("4321ms", await a.ScalarAsync("SHOW statement_timeout"));

        await a.ExecAsync("RESET statement_timeout");
        Assert.Equal(defaultTimeout, await b.ScalarAsync("SHOW statement_timeout"));
        Assert.Equal(defaultTimeout, await a.ScalarAsync("SHOW statement_timeout"));
    }

    private static string ErrorCode(byte[] body)
    {
        for (var i = 0; i < body.Length && body[i] != 0;)
        {
            var end = Array.IndexOf(body, (byte)0, i + 1);
            if (body[i] == (byte)'C')
                return Encoding.UTF8.GetString(body, i + 1, end - i - 1);
            i = end + 1;
        }
        return "";
    }

    private static Task<(long Client, long Server, long Bind)> ParseCountsAsync(PoolerHarness pooler) =>
        pooler.Instance.Runtime.Engine.Invoke(() =>
        {
            long c = 0, s = 0, b = 0;
            foreach (Pool pool in pooler.Instance.Runtime.Manager.Pools)
            {
                c += pool.Stats.ClientParseCount;
                s += pool.Stats.ServerParseCount;
                b += pool.Stats.BindCount;
            }
            return (c, s, b);
        });
}
