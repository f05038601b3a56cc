// What one client leaves on a server must not reach the next: rollback on disconnect, session reset, parameters.
using Npgsql;
using Pooler.Config;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class IsolationTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Fact]
    public async Task Disconnect_InsideTransaction_RolledBackBeforeReuse()
    {
        await Pg.ExecuteAsync("CREATE TABLE IF NOT EXISTS iso_rollback(x int); TRUNCATE iso_rollback; GRANT ALL ON iso_rollback TO PUBLIC");
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });

        await using (var a = await pooler.OpenAsync())
        {
            await a.ExecAsync("BEGIN; INSERT INTO iso_rollback VALUES (1)");
            Assert.Equal(1L, await a.ScalarAsync("SELECT count(*) FROM iso_rollback"));
        }

        // pool_size 1: the next client gets the very server the first one left inside its transaction.
        await using var b = await pooler.OpenAsync();
        Assert.Equal(0L, await b.ScalarAsync("SELECT count(*) FROM iso_rollback"));
        Assert.Equal("I", await TxStatusAsync(b));
        Assert.Equal(0L, await Pg.ScalarAsync("SELECT count(*) FROM iso_rollback"));
    }

    [Fact]
    public async Task SessionMode_NextClient_SeesNoTempTablePreparedOrSet()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1, PoolMode = PoolMode.Session });
        int firstPid;
        await using (var a = await pooler.OpenAsync())
        {
            firstPid = (int)(await a.ScalarAsync("SELECT pg_backend_pid()"))!;
            await a.ExecAsync("CREATE TEMP TABLE leak_me(x int); PREPARE leak_stmt AS SELECT 1; SET work_mem = '7MB'");
        }

        await using var b = await pooler.OpenAsync();
        Assert.Equal(firstPid, await b.ScalarAsync("SELECT pg_backend_pid()"));
        Assert.Equal(0L, await b.ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'leak_me'"));
        Assert.Equal(0L, await b.ScalarAsync("SELECT count(*) FROM pg_prepared_statements"));
        Assert.NotEqual("7MB", await b.ScalarAsync("SHOW work_mem"));
    }

    [Fact]
    public async Task TransactionMode_TrackedParameters_NeverLeakBetweenClients()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var a = await pooler.OpenAsync(applicationName: "client-a");
        await using var b = await pooler.OpenAsync(applicationName: "client-b");

        await a.ExecAsync("SET TimeZone = 'Asia/Tokyo'; SET DateStyle = 'SQL, DMY'");
        Assert.Equal("Asia/Tokyo", await a.ScalarAsync("SHOW TimeZone"));

        // Same single server: b must see its own values, and a its own again afterwards.
        var bZone = (string)(await b.ScalarAsync("SHOW TimeZone"))!;
        Assert.NotEqual("Asia/Tokyo", bZone);
        Assert.Equal("client-b", await b.ScalarAsync("SHOW application_name"));
        Assert.StartsWith("ISO", (string)(await b.ScalarAsync("SHOW DateStyle"))!);

        Assert.Equal("Asia/Tokyo", await a.ScalarAsync("SHOW TimeZone"));
        Assert.Equal("SQL, DMY", await a.ScalarAsync("SHOW DateStyle"));
        Assert.Equal("client-a", await a.ScalarAsync("SHOW application_name"));
        Assert.Equal(bZone, await b.ScalarAsync("SHOW TimeZone"));
    }

    [Fact]
    public async Task TransactionMode_ClientsWithSameSettings_OneSets_OthersStillGetDefaults()
    {
        // Clients with identical settings share the server's "already in sync" record; a SET by one of them (reported
        // or not) must end that sharing at once, on the server and for the client.
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var a = await pooler.OpenAsync(applicationName: "same");
        await using var b = await pooler.OpenAsync(applicationName: "same");
        await using var c = await pooler.OpenAsync(applicationName: "same");
        var defaultTimeout = await a.ScalarAsync("SHOW statement_timeout");
        var defaultZone = await b.ScalarAsync("SHOW TimeZone");

        await b.ExecAsync("SET statement_timeout = '4s'; SET TimeZone = 'Asia/Tokyo'");
        Assert.Equal(defaultTimeout, await a.ScalarAsync("SHOW statement_timeout"));
        Assert.Equal(defaultZone, await c.ScalarAsync("SHOW TimeZone"));
        Assert.Equal("4s", await b.ScalarAsync("SHOW statement_timeout"));
        Assert.Equal("Asia/Tokyo", await b.ScalarAsync("SHOW TimeZone"));
        Assert.Equal(defaultTimeout, await c.ScalarAsync("SHOW statement_timeout"));

        await b.ExecAsync("RESET ALL");
        Assert.Equal(defaultZone, await b.ScalarAsync("SHOW TimeZone"));
        Assert.Equal(defaultTimeout, await a.ScalarAsync("SHOW statement_timeout"));
        Assert.Equal(defaultTimeout, await b.ScalarAsync("SHOW statement_timeout"));
    }

    [Fact]
    public async Task StatementMode_TransactionBlock_RefusedWithClearError()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { PoolMode = PoolMode.Statement });
        await using var a = await pooler.OpenAsync();
        Assert.Equal(1, await a.ScalarAsync("SELECT 1"));

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
        {
            await a.ExecAsync("BEGIN");
            await a.ScalarAsync("SELECT 2");
        });

        var pg = Assert.IsType<PostgresException>(error is PostgresException ? error : error.InnerException ?? error);
        Assert.Contains("transaction blocks not allowed in statement pooling mode", pg.MessageText);
        await using var b = await pooler.OpenAsync();
        Assert.Equal(3, await b.ScalarAsync("SELECT 3"));
    }

    private static async Task<string> TxStatusAsync(NpgsqlConnection c)
    {
        // Still inside the first client's transaction, its INSERT would have assigned a transaction id.
        var inTx = await c.ScalarAsync("SELECT txid_current_if_assigned()") is not (null or DBNull);
        return inTx ? "T" : "I";
    }
}
