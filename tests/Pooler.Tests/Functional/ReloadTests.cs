// Reload (SIGHUP, RELOAD): a changed pool_size takes effect for waiting clients without dropping anyone; a broken
// file keeps the configuration in force.
using Pooler.Hosting;
using Pooler.Tests.Cli;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class ReloadTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    /// <summary>The harness's configuration as a file, with <paramref name="poolSize"/> and <paramref name="extra"/> lines.</summary>
    private string Toml(PoolerHarness pooler, int poolSize, string extra = "", int? port = null) => $"""
        [pooler]
        listen_addr = "127.0.0.1"
        listen_port = {port ?? pooler.Port}
        unix_socket_dir = "{pooler.SocketDir}"
        workers = 0
        auth_type = "trust"
        pool_mode = "transaction"
        default_pool_size = {poolSize}
        {extra}
        [databases.{PostgresServer.Database}]
        host = "{Pg.Host}"
        port = {Pg.Port}
        """;

    [Fact(Timeout = 60_000)]
    public async Task ReloadAsync_PoolSizeRaised_WaiterGetsNewServerAndHolderKeepsItsSession()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        using var dir = new TempDir();
        await using var holder = await pooler.OpenAsync();
        await holder.ExecAsync("BEGIN");
        var holderPid = (int)(await holder.ScalarAsync("SELECT pg_backend_pid()"))!;
        await using var waiter = await pooler.OpenAsync();
        var waiting = waiter.ScalarAsync("SELECT pg_backend_pid()");
        await WaitForAsync(async () => await WaitingAsync(pooler) == 1);

        var result = await pooler.Instance.ReloadAsync(dir.Write("pooler.toml", Toml(pooler, poolSize: 2)));

        Assert.Equal(ReloadStatus.Applied, result.Status);
        Assert.Empty(result.NeedRestart);
        var waiterPid = (int)(await waiting.WaitAsync(TimeSpan.FromSeconds(20)))!;
        Assert.NotEqual(holderPid, waiterPid);
        // The holder's transaction went on through the reload on the same server.
        Assert.Equal(holderPid, (int)(await holder.ScalarAsync("SELECT pg_backend_pid()"))!);
        await holder.ExecAsync("COMMIT");
        Assert.Equal(2, await PoolSizeAsync(pooler));
    }

    [Fact(Timeout = 60_000)]
    public async Task ReloadAsync_InvalidFile_LogsEveryErrorAndKeepsConfig()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 3 });
        using var dir = new TempDir();
        await using var client = await pooler.OpenAsync();
        await client.ScalarAsync("SELECT 1");

        var path = dir.Write("pooler.toml", Toml(pooler, poolSize: -4, "max_client_conn = -1"));
        var result = await pooler.Instance.ReloadAsync(path);

        Assert.Equal(ReloadStatus.Invalid, result.Status);
        Assert.True(result.Errors.Count >= 2, string.Join("\n", result.Errors));
        foreach (var error in result.Errors)
            Assert.True(pooler.Log.Contains(error.ToString()), $"not logged: {error}");
        Assert.Equal(3, await PoolSizeAsync(pooler));
        Assert.Equal(1, await client.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ReloadAsync_ListenPortChanged_LoggedAsNeedingRestartAndKept()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        using var dir = new TempDir();
        var result = await pooler.Instance.ReloadAsync(dir.Write("pooler.toml", Toml(pooler, poolSize: 5, port: pooler.Port + 1)));

        Assert.Equal(ReloadStatus.Applied, result.Status);
        Assert.Contains("listen_port", result.NeedRestart);
        Assert.True(pooler.Log.Contains("listen_port changed but needs a restart"));
        Assert.Equal(pooler.Port, pooler.Instance.Runtime.Options.ListenPort);
        await using var client = await pooler.OpenAsync();
        Assert.Equal(1, await client.ScalarAsync("SELECT 1"));
    }

    private static Task<int> WaitingAsync(PoolerHarness pooler) =>
        pooler.Instance.Engine.RunAsync(() => Task.FromResult(pooler.Instance.Runtime.Manager.Pools.Sum(p => p.WaitingCount)));

    private static Task<int> PoolSizeAsync(PoolerHarness pooler) =>
        pooler.Instance.Engine.RunAsync(() => Task.FromResult(pooler.Instance.Runtime.Manager.Pools.Single().Settings.PoolSize));

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
