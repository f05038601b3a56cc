// Real-clock smoke tests of the client-side timeouts: client_idle_timeout, idle_transaction_timeout, query_timeout.
// Each asserts the SQLSTATE the client gets, one log line, and what became of the server (docs/timeouts.md).
using Pooler.Pools;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class ClientTimeoutTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 60_000)]
    public async Task ClientIdleTimeout_IdleClient_Gets08P01AndServerStaysPooled()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg,
            o => o with { DefaultPoolSize = 1, ClientIdleTimeout = TimeSpan.FromSeconds(1) });
        await using var raw = await LoginAsync(pooler);
        var pid = await BackendPidAsync(raw);

        Assert.Equal("08P01", await raw.ReadErrorCodeAsync());
        Assert.True(await raw.IsClosedByPeerAsync());

        Assert.Single(pooler.Log.Lines, l => l.Contains("closing: ClientIdleTimeout", StringComparison.Ordinal));
        // The server was idle in the pool all along (transaction mode): the next client gets the same backend.
        await using var next = await pooler.OpenAsync();
        Assert.Equal(pid, (int)(await next.ScalarAsync("SELECT pg_backend_pid()"))!);
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientIdleTimeout_SessionModeHolder_ServerResetAndReused()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with
        {
            PoolMode = Pooler.Config.PoolMode.Session, DefaultPoolSize = 1, ClientIdleTimeout = TimeSpan.FromSeconds(1),
        });
        await using var raw = await LoginAsync(pooler);
        var pid = await BackendPidAsync(raw);

        Assert.Equal("08P01", await raw.ReadErrorCodeAsync());

        await using var next = await pooler.OpenAsync();
        Assert.Equal(pid, (int)(await next.ScalarAsync("SELECT pg_backend_pid()"))!);
    }

    [Fact(Timeout = 60_000)]
    public async Task IdleTransactionTimeout_OpenTransaction_Gets25P03AndServerRolledBackIntoPool()
    {
        await Pg.ExecuteAsync("CREATE TABLE IF NOT EXISTS timeout_probe (tag text); GRANT ALL ON timeout_probe TO PUBLIC");
        var tag = Guid.NewGuid().ToString("N");
        await using var pooler = await PoolerHarness.StartAsync(Pg,
            o => o with { DefaultPoolSize = 1, IdleTransactionTimeout = TimeSpan.FromSeconds(1) });
        await using var raw = await LoginAsync(pooler);
        await raw.SendAsync(RawClient.Query($"BEGIN; INSERT INTO timeout_probe VALUES ('{tag}')"));
        Assert.NotNull(await raw.ReadUntilAsync('Z'));
        var pid = await BackendPidAsync(raw);

        Assert.Equal("25P03", await raw.ReadErrorCodeAsync());
        Assert.True(await raw.IsClosedByPeerAsync());

        Assert.Single(pooler.Log.Lines, l => l.Contains("closing: IdleTransactionTimeout", StringComparison.Ordinal));
        await using var next = await pooler.OpenAsync();
        Assert.Equal(pid, (int)(await next.ScalarAsync("SELECT pg_backend_pid()"))!);
        Assert.Equal(0L, await next.ScalarAsync($"SELECT count(*) FROM timeout_probe WHERE tag = '{tag}'"));
    }

    [Fact(Timeout = 60_000)]
    public async Task QueryTimeout_LongQuery_Gets57014AndServerCancelledAndClosed()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg,
            o => o with { DefaultPoolSize = 1, QueryTimeout = TimeSpan.FromSeconds(1) });
        await using var raw = await LoginAsync(pooler);
        var pid = await BackendPidAsync(raw);
        await raw.SendAsync(RawClient.Query("SELECT pg_sleep(30)"));

        Assert.Equal("57014", await raw.ReadErrorCodeAsync());
        Assert.True(await raw.IsClosedByPeerAsync());

        Assert.Single(pooler.Log.Lines, l => l.Contains("closing: QueryTimeout", StringComparison.Ordinal));
        // Cancelled and closed: the backend leaves well before its 30 s sleep, and the pool holds no server.
        await WaitForAsync(async () => (long)(await Pg.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}"))! == 0);
        Assert.Equal(0, await ServerCountAsync(pooler));
        await using var next = await pooler.OpenAsync();
        Assert.NotEqual(pid, (int)(await next.ScalarAsync("SELECT pg_backend_pid()"))!);
    }

    [Fact(Timeout = 60_000)]
    public async Task QueryTimeout_QueriesShorterThanTimeout_SessionLivesOn()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with
        {
            QueryTimeout = TimeSpan.FromSeconds(2), ClientIdleTimeout = TimeSpan.FromSeconds(2),
            IdleTransactionTimeout = TimeSpan.FromSeconds(2),
        });
        await using var c = await pooler.OpenAsync();

        // Each step is shorter than every limit, the whole run is longer than each: only per-state clocks pass.
        await c.ExecAsync("BEGIN");
        for (var i = 0; i < 4; i++)
            await c.ScalarAsync("SELECT pg_sleep(0.6)");
        await c.ExecAsync("COMMIT");
        await c.ScalarAsync("SELECT pg_sleep(0.6)");

        Assert.Equal(1, await c.ScalarAsync("SELECT 1"));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("Timeout:", StringComparison.Ordinal));
    }

    private static async Task<RawClient> LoginAsync(PoolerHarness pooler)
    {
        var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await raw.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database));
        Assert.NotNull(await raw.ReadUntilAsync('Z'));
        return raw;
    }

    private static async Task<int> BackendPidAsync(RawClient raw)
    {
        await raw.SendAsync(RawClient.Query("SELECT pg_backend_pid()"));
        var row = await raw.ReadUntilAsync('D');
        Assert.NotNull(row);
        Assert.NotNull(await raw.ReadUntilAsync('Z'));
        // DataRow: Int16 column count, Int32 length, then the text value.
        return int.Parse(System.Text.Encoding.ASCII.GetString(row.Value.Body, 6, row.Value.Body.Length - 6));
    }

    internal static Task<int> ServerCountAsync(PoolerHarness pooler) =>
        pooler.Instance.Engine.RunAsync(() =>
            Task.FromResult(pooler.Instance.Runtime.Manager.Find(new PoolKey(PostgresServer.Database, PostgresServer.TrustUser))?.ServerCount ?? 0));

    internal static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 15)
    {
        for (var i = 0; i < seconds * 20; i++)
        {
            if (await condition())
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"condition not met within {seconds} s");
    }
}
