// End-to-end basics through the pooler: queries over TCP and the Unix socket, login parameters, unknown database.
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class BasicProxyTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Fact]
    public async Task Query_ThroughTcp_ReturnsServerResult()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var c = await pooler.OpenAsync();

        Assert.Equal(42, await c.ScalarAsync("SELECT 42"));
        Assert.Equal(PostgresServer.TrustUser, await c.ScalarAsync("SELECT current_user"));
        Assert.Equal(PostgresServer.Database, await c.ScalarAsync("SELECT current_database()"));
    }

    [Fact]
    public async Task Query_ThroughUnixSocketWithPsql_Works()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);

        var result = await ProcessRunner.RunAsync(PgTools.Psql,
            ["-h", pooler.SocketDir, "-p", pooler.Port.ToString(), "-U", PostgresServer.TrustUser, "-d", PostgresServer.Database,
                "-Atc", "SELECT 'via-unix'"]);

        Assert.True(result.Succeeded, result.StdErr);
        Assert.Equal("via-unix", result.StdOut.Trim());
    }

    [Fact]
    public async Task Login_ApplicationName_PassedToServer()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var c = await pooler.OpenAsync(applicationName: "basic-app-name");

        Assert.Equal("basic-app-name", await c.ScalarAsync("SHOW application_name"));
        Assert.Equal("basic-app-name", await c.ScalarAsync("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"));
    }

    [Fact]
    public async Task Login_UnknownDatabase_Gets3D000()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "no_such_db"));

        Assert.Equal("3D000", error.SqlState);
        Assert.Contains("no such database: no_such_db", error.MessageText);
    }

    [Fact]
    public async Task Query_LargeResult_StreamsThrough()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var c = await pooler.OpenAsync();

        var total = await c.ScalarAsync("SELECT sum(length(repeat('x', 1000) || g)) FROM generate_series(1, 20000) g");
        await using var cmd = new NpgsqlCommand("SELECT repeat('y', 1000000) FROM generate_series(1, 20)", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            Assert.Equal(1_000_000, reader.GetString(0).Length);
            rows++;
        }

        Assert.Equal(20, rows);
        Assert.NotNull(total);
    }
}
