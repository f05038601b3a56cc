// SHOW POOLS / SHOW CLIENTS / SHOW SERVERS while a cancel request is on its way to PostgreSQL: the cancel columns
// count it, and the server it targets is held back (not reused) until PostgreSQL has handled the cancel.
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Admin;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AdminCancelColumnsTests(PostgresFixture fixture)
{
    private const string Relayed = "relayed";

    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 120_000)]
    public async Task ShowPools_CancelHeldOnItsWay_CancelColumnsCountItUntilPostgresHandledIt()
    {
        await using var relay = CancelHoldingRelay.Start(Pg.Port);
        await using var pooler = await PoolerHarness.StartAsync(Pg,
            o => o with { AdminUsers = [PostgresServer.TrustUser], CancelWaitTimeout = TimeSpan.FromSeconds(60) },
            new DatabaseOptions { Name = Relayed, Host = "127.0.0.1", Port = relay.Port, DbName = PostgresServer.Database });
        await using var app = await pooler.OpenAsync(database: Relayed);
        var (console, error) = await AdminClient.ConnectAsync(pooler.TcpEndPoint, PostgresServer.TrustUser);
        Assert.Null(error);
        await using var _console = console;

        // A query that ends by itself while its cancel is still held in the relay.
        await using var sleep = new NpgsqlCommand("SELECT 3 FROM pg_sleep(1.5)", app);
        var query = sleep.ExecuteScalarAsync();
        await WaitForPoolAsync(console, p => p["sv_active"] == "1");
        var cancel = Task.Run(sleep.Cancel);
        await relay.CancelArrived.WaitAsync(TimeSpan.FromSeconds(30));

        var sending = await WaitForPoolAsync(console, p => p["cl_active_cancel_req"] == "1" && p["sv_active_cancel"] == "1");
        Assert.Equal("0", sending["cl_waiting_cancel_req"]);
        var clients = await console.QueryAsync("SHOW CLIENTS");
        Assert.Single(clients.Records, r => r["state"] == "active_cancel_req" && r["database"] == Relayed);

        // The query finishes; its server comes back while the cancel is still on its way: held, not idle.
        Assert.Equal(3, await query);
        var held = await WaitForPoolAsync(console, p => p["sv_being_canceled"] == "1");
        Assert.Equal("0", held["sv_idle"]);
        var servers = await console.QueryAsync("SHOW SERVERS");
        Assert.Single(servers.Records, r => r["state"] == "being_canceled" && r["database"] == Relayed);

        relay.Release();
        await cancel.WaitAsync(TimeSpan.FromSeconds(30));
        var done = await WaitForPoolAsync(console, p => p["sv_being_canceled"] == "0" && p["sv_idle"] == "1");
        Assert.Equal("0", done["cl_active_cancel_req"]);
        Assert.Equal("0", done["sv_active_cancel"]);
        // The late cancel reached an idle backend: the next query on that server runs untouched.
        Assert.Equal(1, await app.ScalarAsync("SELECT 1"));
    }

    private static async Task<Dictionary<string, string?>> WaitForPoolAsync(AdminClient console, Func<Dictionary<string, string?>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var row = (await console.QueryAsync("SHOW POOLS")).Records.SingleOrDefault(r => r["database"] == Relayed);
            if (row is not null && condition(row))
                return row;
            Assert.True(DateTime.UtcNow < deadline, "SHOW POOLS never showed the expected counts: " +
                (row is null ? "no row" : string.Join(", ", row.Select(kv => $"{kv.Key}={kv.Value}"))));
            await Task.Delay(25);
        }
    }
}
