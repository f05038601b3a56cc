// Killed backends and a PostgreSQL restart under load: clean errors, recovery without help, no leaked servers.
using Npgsql;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class ServerTroubleTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 60_000)]
    public async Task KilledBackend_ClientGetsServerErrorAndPoolHeals()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 2 });
        await using var victim = await pooler.OpenAsync(applicationName: "kill-victim");
        await using var bystander = await pooler.OpenAsync();
        var pid = (int)(await victim.ScalarAsync("SELECT pg_backend_pid()"))!;
        var running = victim.ScalarAsync("SELECT pg_sleep(30)");
        await WaitForAsync(async () => (long)(await Pg.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid} AND state = 'active'"))! == 1);

        await Pg.ExecuteAsync($"SELECT pg_terminate_backend({pid})");

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => running);
        var sqlState = (error as PostgresException)?.SqlState ?? (error.InnerException as PostgresException)?.SqlState;
        output.WriteLine($"victim got {error.GetType().Name} {sqlState}: {error.Message}");
        Assert.True(sqlState is "57P01" or "08006" || error is NpgsqlException, error.ToString());

        // The pool replaces the dead server; other and new clients are served.
        Assert.Equal(1, await bystander.ScalarAsync("SELECT 1"));
        await using var fresh = await pooler.OpenAsync();
        Assert.Equal(1, await fresh.ScalarAsync("SELECT 1"));
        await pooler.DisposeAsync();
        await AssertNoServersLeftAsync(PostgresServer.TrustUser);
    }

    [Fact(Timeout = 120_000)]
    public async Task PostgresRestart_UnderLoad_CleanErrorsThenRecoversWithoutLeaks()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 4 });
        using var stop = new CancellationTokenSource();
        var ok = 0L;
        var failed = 0L;
        var unexpected = new List<string>();
        var workers = Enumerable.Range(0, 20).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var c = await pooler.OpenAsync();
                    for (var i = 0; i < 20 && !stop.IsCancellationRequested; i++)
                        await c.ScalarAsync("SELECT count(*) FROM pg_class");
                    Interlocked.Increment(ref ok);
                }
                catch (NpgsqlException ex)
                {
                    Interlocked.Increment(ref failed);
                    var state = (ex as PostgresException)?.SqlState ?? (ex.InnerException as PostgresException)?.SqlState;
                    // Acceptable: the server's own shutdown errors, connection failures, or an EOF mid-stream.
                    if (state is not (null or "57P01" or "57P02" or "57P03" or "08006" or "08P01" or "08001"))
                        lock (unexpected)
                            unexpected.Add($"{state}: {ex.Message}");
                }
            }
        }).ToList();

        await WaitForAsync(() => Task.FromResult(Interlocked.Read(ref ok) > 20));
        await Pg.RestartAsync();
        var okAfterRestart = Interlocked.Read(ref ok);
        await WaitForAsync(() => Task.FromResult(Interlocked.Read(ref ok) > okAfterRestart + 20), seconds: 30);
        stop.Cancel();
        await Task.WhenAll(workers);

        output.WriteLine($"sessions ok {ok}, failed {failed}; unexpected: {string.Join(" | ", unexpected)}");
        Assert.Empty(unexpected);
        Assert.True((long)(await Pg.ScalarAsync(CountSql(PostgresServer.TrustUser)))! <= 4);
        await pooler.DisposeAsync();
        await AssertNoServersLeftAsync(PostgresServer.TrustUser);
    }

    private static string CountSql(string user) =>
        $"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename = '{user}' AND pid <> pg_backend_pid()";

    private async Task AssertNoServersLeftAsync(string user)
    {
        // Terminate is sent on shutdown; the backends exit right after.
        await WaitForAsync(async () => (long)(await Pg.ScalarAsync(CountSql(user)))! == 0);
    }

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
