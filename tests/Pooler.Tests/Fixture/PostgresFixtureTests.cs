// Checks the real-PostgreSQL fixture itself: each role's authentication method, refusals, and teardown.
using System.Net.Sockets;
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Tests.Fixture;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture fixture)
{
    private PostgresServer Server => fixture.Server;

    [Fact]
    public async Task Connect_TrustUserWithoutPassword_LogsIn()
    {
        Assert.Equal(PostgresServer.TrustUser, await CurrentUserAsync(PostgresServer.TrustUser, password: null));
        Assert.Equal("trust", await HbaMethodAsync(PostgresServer.TrustUser));
    }

    [Theory]
    [InlineData(PostgresServer.Md5User, PostgresServer.Md5Password, "md5", "md5")]
    [InlineData(PostgresServer.ScramUser, PostgresServer.ScramPassword, "scram-sha-256", "SCRAM-SHA-256$")]
    public async Task Connect_PasswordUserWithRightPassword_LogsInWithItsMethod(string user, string password, string method, string secretPrefix)
    {
        Assert.Equal(user, await CurrentUserAsync(user, password));
        Assert.Equal(method, await HbaMethodAsync(user));
        var secret = (string?)await Server.ScalarAsync($"SELECT rolpassword FROM pg_authid WHERE rolname = '{user}'");
        Assert.StartsWith(secretPrefix, secret);
        if (Server.MajorVersion >= 16)
        {
            await using var connection = await OpenAsync(user, password);
            await using var command = new NpgsqlCommand("SELECT system_user", connection);
            Assert.Equal($"{method}:{user}", await command.ExecuteScalarAsync());
        }
    }

    [Theory]
    [InlineData(PostgresServer.Md5User)]
    [InlineData(PostgresServer.ScramUser)]
    public async Task Connect_PasswordUserWithWrongPassword_IsRefusedWith28P01(string user)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(user, "wrong-password"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task Settings_FixtureServer_AllowsManyConnectionsForPgbench()
    {
        Assert.Equal("300", await Server.ScalarAsync("SHOW max_connections"));
        Assert.True(Server.MajorVersion >= 13, $"major version {Server.MajorVersion}");
    }

    [Fact]
    public async Task Database_TestRoles_CanCreateTables()
    {
        await using var connection = await OpenAsync(PostgresServer.TrustUser, null);
        await using var command = new NpgsqlCommand("CREATE TEMP TABLE t(x int); CREATE TABLE fixture_probe_t(x int); DROP TABLE fixture_probe_t", connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task DisposeAsync_RunningServer_StopsItAndDeletesItsDirectory()
    {
        var server = await PostgresServer.StartAsync();
        var (directory, pid, port) = (server.SocketDir, server.ProcessId, server.Port);
        Assert.True(Directory.Exists(directory));
        Assert.NotEqual(0, pid);

        await server.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.False(IsRunning(pid));
        AssertRefused(port);
    }

    [Fact]
    public async Task Watchdog_TestHostGoneWithoutDispose_StopsServerAndDeletesItsDirectory()
    {
        var server = await PostgresServer.StartAsync();
        var (directory, pid, port) = (server.SocketDir, server.ProcessId, server.Port);

        await server.AbandonToWatchdogAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(Directory.Exists(directory));
        Assert.False(IsRunning(pid));
        AssertRefused(port);
    }

    [Fact]
    public async Task RestartAsync_RunningServer_ComesBackOnTheSamePort()
    {
        await using var server = await PostgresServer.StartAsync();
        var (port, pid) = (server.Port, server.ProcessId);

        await server.RestartAsync();

        Assert.Equal(port, server.Port);
        Assert.NotEqual(pid, server.ProcessId);
        Assert.Equal(1, await server.ScalarAsync("SELECT 1"));
    }

    [Fact]
    public async Task PgBench_InitThenSelectOnlyRun_ProcessesEveryTransaction()
    {
        const string database = "fixture_pgbench";
        await Server.ExecuteAsync($"DROP DATABASE IF EXISTS {database}", "postgres");
        await Server.ExecuteAsync($"CREATE DATABASE {database} OWNER {PostgresServer.Md5User}", "postgres");

        (await PgBench.InitAsync(Server.Host, Server.Port, PostgresServer.Md5User, database, password: PostgresServer.Md5Password)).ThrowIfFailed();
        var run = await PgBench.RunAsync(Server.Host, Server.Port, PostgresServer.Md5User, database,
            ["-c", "4", "-j", "2", "-t", "25", "-S"], password: PostgresServer.Md5Password);

        Assert.True(run.Complete, run.Process.StdOut + run.Process.StdErr);
        Assert.Equal(100, run.Processed);
        Assert.True(run.Tps > 0);
    }

    [Fact]
    public async Task Psql_ScramUserWithPassword_ReturnsRowsUnaligned()
    {
        var result = await Psql.RunAsync(Server.Host, Server.Port, PostgresServer.ScramUser, PostgresServer.Database,
            "SELECT current_user, 1 + 1", PostgresServer.ScramPassword);

        Assert.Equal($"{PostgresServer.ScramUser}|2", result.ThrowIfFailed().StdOut.Trim());
    }

    [Fact]
    public async Task Psql_WrongPassword_FailsWithoutPrompting()
    {
        var result = await Psql.RunAsync(Server.Host, Server.Port, PostgresServer.Md5User, PostgresServer.Database, "SELECT 1", "wrong");

        Assert.False(result.Succeeded);
        Assert.Contains("password authentication failed", result.StdErr);
    }

    private async Task<NpgsqlConnection> OpenAsync(string user, string? password)
    {
        var connection = new NpgsqlConnection(Server.ConnectionString(user, password));
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<string?> CurrentUserAsync(string user, string? password)
    {
        await using var connection = await OpenAsync(user, password);
        await using var command = new NpgsqlCommand("SELECT current_user", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    // The first pg_hba.conf line that matches a TCP login from 127.0.0.1 for this user decides its method.
    private async Task<string?> HbaMethodAsync(string user) =>
        (string?)await Server.ScalarAsync($"""
            SELECT auth_method FROM pg_hba_file_rules
            WHERE type = 'host' AND address = '127.0.0.1'
              AND ('{user}' = ANY(user_name) OR 'all' = ANY(user_name))
            ORDER BY line_number LIMIT 1
            """);

    // A zombie awaiting its reaper has stopped too.
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat.Split(' ')[2] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void AssertRefused(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = Assert.Throws<SocketException>(() => socket.Connect("127.0.0.1", port));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }
}
