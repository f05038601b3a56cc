// CancelRequest through the pooler: the client's own query is cancelled quickly, nobody else's.
using System.Diagnostics;
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class CancelTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 60_000)]
    public async Task Cancel_PgSleep_Ends57014WithinOneSecondOthersUntouched()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var victim = await pooler.OpenAsync();
        await using var other = await pooler.OpenAsync();

        await using var sleep = new NpgsqlCommand("SELECT pg_sleep(30)", victim);
        var running = sleep.ExecuteScalarAsync();
        var otherQuery = other.ScalarAsync("SELECT 7 FROM pg_sleep(1.5)");
        await WaitUntilRunningAsync("SELECT pg_sleep(30)");

        var clock = Stopwatch.StartNew();
        await Task.Run(sleep.Cancel);
        // Npgsql reports a cancel it asked for as OperationCanceledException around the server's error.
        var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(() => running);
        clock.Stop();

        var error = Assert.IsType<PostgresException>(cancelled.InnerException);
        Assert.Equal("57014", error.SqlState);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"cancel took {clock.Elapsed}");
        Assert.Equal(7, await otherQuery);
        // The cancelled client goes on working.
        Assert.Equal(1, await victim.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancel_ClientIdle_DoesNotTouchServerNowServingAnother()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var idle = await pooler.OpenAsync();
        await idle.ScalarAsync("SELECT 1");
        await using var busy = await pooler.OpenAsync();

        // busy now runs on the one server idle used before; idle's cancel must not reach it.
        var query = busy.ScalarAsync("SELECT 5 FROM pg_sleep(1)");
        await WaitUntilRunningAsync("SELECT 5 FROM pg_sleep(1)");
        await Task.Run(idle.CreateCommand().Cancel);

        Assert.Equal(5, await query);
    }

    private async Task WaitUntilRunningAsync(string query)
    {
        for (var i = 0; i < 200; i++)
        {
            var n = (long)(await Pg.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = '{query.Replace("'", "''")}'"))!;
            if (n > 0)
                return;
            await Task.Delay(25);
        }
        throw new TimeoutException($"'{query}' never started");
    }
}
