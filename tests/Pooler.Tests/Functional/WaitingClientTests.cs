// A client that goes away while it waits in the pool's queue: noticed at once, its query never runs.
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class WaitingClientTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Queued_ClientDisconnects_LeavesQueueAndQueryNeverRuns(bool reset)
    {
        var table = reset ? "wait_gone_rst" : "wait_gone_eof";
        await Pg.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {table}(x int); TRUNCATE {table}; GRANT ALL ON {table} TO PUBLIC");
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var holder = await pooler.OpenAsync();
        var holderPid = (int)(await holder.ScalarAsync("SELECT pg_backend_pid()"))!;
        await holder.ExecAsync("BEGIN");
        await holder.ScalarAsync("SELECT 1");

        var queued = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await queued.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database));
        Assert.NotNull(await queued.ReadUntilAsync('Z'));
        await queued.SendAsync(RawClient.Query($"INSERT INTO {table} VALUES (1)"));
        await WaitForAsync(async () => await WaitingAsync(pooler) == 1);

        if (reset)
            queued.Reset();
        else
            await queued.DisposeAsync();

        // Noticed while the holder still has the only server: the waiter left the queue on its own.
        await WaitForAsync(async () => await WaitingAsync(pooler) == 0);
        Assert.True(pooler.Log.Contains("while waiting for a server"), string.Join("\n", pooler.Log.Lines));
        await holder.ExecAsync("COMMIT");

        await using var next = await pooler.OpenAsync();
        Assert.Equal(0L, await next.ScalarAsync($"SELECT count(*) FROM {table}"));
        Assert.Equal(holderPid, (int)(await next.ScalarAsync("SELECT pg_backend_pid()"))!);
        Assert.Equal(0L, await Pg.ScalarAsync($"SELECT count(*) FROM {table}"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Queued_ClientStays_GetsServerWhenReleased()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var holder = await pooler.OpenAsync();
        await holder.ExecAsync("BEGIN");
        await holder.ScalarAsync("SELECT 1");
        await using var waiter = await pooler.OpenAsync();

        var waiting = waiter.ScalarAsync("SELECT 42");
        await WaitForAsync(async () => await WaitingAsync(pooler) == 1);
        await holder.ExecAsync("COMMIT");

        Assert.Equal(42, await waiting);
        Assert.Equal(0, await WaitingAsync(pooler));
    }

    private static Task<int> WaitingAsync(PoolerHarness pooler) =>
        pooler.Instance.Engine.RunAsync(() => Task.FromResult(pooler.Instance.Runtime.Manager.Pools.Sum(p => p.WaitingCount)));

    private static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 10)
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
