// Real-clock smoke tests of the server-side timeouts: server_connect_timeout, server_idle_timeout, server_lifetime
// and server_check_query, each with what became of the server connection (docs/timeouts.md).
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Pooler.Config;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class ServerTimeoutTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 60_000)]
    public async Task ServerConnectTimeout_SilentHost_ClientGets08006NamingTheTimeout()
    {
        // The kernel completes the TCP handshake for the backlog; nothing ever answers the StartupMessage.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var pooler = await PoolerHarness.StartAsync(Pg,
            o => o with { ServerConnectTimeout = TimeSpan.FromSeconds(1) },
            new DatabaseOptions { Name = "silent", Host = "127.0.0.1", Port = port, DbName = "nothing" });

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => pooler.OpenAsync(database: "silent"));

        var pg = error as PostgresException ?? error.InnerException as PostgresException;
        Assert.NotNull(pg);
        Assert.Equal("08006", pg.SqlState);
        Assert.Contains("connect timeout", pg.MessageText);
        Assert.Single(pooler.Log.Lines, l => l.Contains("connect timeout", StringComparison.Ordinal) && l.Contains("Warning", StringComparison.Ordinal));
        // The real database is unaffected.
        await using var ok = await pooler.OpenAsync();
        Assert.Equal(1, await ok.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ServerIdleTimeout_UnusedServer_ClosedOnceAndBackendGone()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { ServerIdleTimeout = TimeSpan.FromSeconds(1) });
        int pid;
        await using (var c = await pooler.OpenAsync())
            pid = (int)(await c.ScalarAsync("SELECT pg_backend_pid()"))!;

        await ClientTimeoutTests.WaitForAsync(async () => await BackendCountAsync(pid) == 0);

        Assert.Equal(0, await ClientTimeoutTests.ServerCountAsync(pooler));
        Assert.Single(pooler.Log.Lines, l => l.Contains("closing: server idle timeout", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task ServerLifetime_IdleServerOutlivesLifetime_ClosedAndNextClientGetsNewBackend()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { ServerLifetime = TimeSpan.FromSeconds(1) });
        await using var c = await pooler.OpenAsync();
        var pid = (int)(await c.ScalarAsync("SELECT pg_backend_pid()"))!;

        await ClientTimeoutTests.WaitForAsync(async () => await BackendCountAsync(pid) == 0);

        Assert.Contains(pooler.Log.Lines, l => l.Contains("closing: server lifetime over", StringComparison.Ordinal));
        Assert.NotEqual(pid, (int)(await c.ScalarAsync("SELECT pg_backend_pid()"))!);
    }

    [Fact(Timeout = 60_000)]
    public async Task ServerCheckQuery_HealthyServerIdlePastDelay_CheckedAndReused()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with
        {
            DefaultPoolSize = 1, ServerCheckQuery = "select 1", ServerCheckDelay = TimeSpan.Zero,
        });
        await using var c = await pooler.OpenAsync();
        var pid = await c.ScalarAsync("SELECT pg_backend_pid()");

        Assert.Equal(pid, await c.ScalarAsync("SELECT pg_backend_pid()"));
        Assert.Contains(pooler.Log.Lines, l => l.Contains("checking: select 1", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task ServerCheckQuery_CheckFails_ServerClosedAndClientServedByFreshOne()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with
        {
            DefaultPoolSize = 1, ServerCheckQuery = "select 1/0", ServerCheckDelay = TimeSpan.Zero,
        });
        await using var c = await pooler.OpenAsync();
        var pid = (int)(await c.ScalarAsync("SELECT pg_backend_pid()"))!;

        var second = (int)(await c.ScalarAsync("SELECT pg_backend_pid()"))!;

        Assert.NotEqual(pid, second);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("closing: server check query failed", StringComparison.Ordinal));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("Warning", StringComparison.Ordinal) && l.Contains("division by zero", StringComparison.Ordinal));
        await ClientTimeoutTests.WaitForAsync(async () => await BackendCountAsync(pid) == 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task ServerLoginRetry_RejectedLogin_NoNewAttemptUntilRetryDelay()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { ServerLoginRetry = TimeSpan.FromSeconds(2) },
            new DatabaseOptions
            {
                Name = "badpw", Host = Pg.Host, Port = Pg.Port, DbName = PostgresServer.Database,
                User = PostgresServer.Md5User, Password = "wrong",
            });
        int Attempts() => pooler.Log.Lines.Count(l => l.Contains("server login as", StringComparison.Ordinal));

        Assert.Equal("28P01", SqlState(await Assert.ThrowsAnyAsync<NpgsqlException>(() => pooler.OpenAsync(database: "badpw"))));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // During the back-off the pool answers with the last error at once, without logging in again.
        Assert.Equal("28P01", SqlState(await Assert.ThrowsAnyAsync<NpgsqlException>(() => pooler.OpenAsync(database: "badpw"))));
        Assert.Equal(1, Attempts());

        while (Attempts() < 2)
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => pooler.OpenAsync(database: "badpw"));
            await Task.Delay(100);
        }
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"second login after {clock.Elapsed}");
    }

    private static string? SqlState(NpgsqlException e) =>
        (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState;

    private async Task<long> BackendCountAsync(int pid) =>
        (long)(await Pg.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}"))!;
}
