// Shutdown closes every server itself and says so: no server is reported as lost.
using Npgsql;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class ShutdownTests(PostgresFixture fixture, ITestOutputHelper output)
{
    [Fact(Timeout = 60_000)]
    public async Task Stop_IdleAndLinkedServers_LoggedAsClosedNotLost()
    {
        var pooler = await PoolerHarness.StartAsync(fixture.Server, o => o with { DefaultPoolSize = 4 });
        await using var idle = await pooler.OpenAsync();
        await using var inTransaction = await pooler.OpenAsync();
        await using var session = await pooler.OpenAsync();
        await idle.ScalarAsync("SELECT 1");
        await inTransaction.ExecAsync("BEGIN");
        await inTransaction.ScalarAsync("SELECT 1");
        await session.ExecAsync("BEGIN");
        await session.ScalarAsync("SELECT 1");
        await using var busy = await pooler.OpenAsync();
        var running = busy.ScalarAsync("SELECT pg_sleep(30)");
        await WaitForAsync(async () => (long)(await fixture.Server.ScalarAsync(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"))! == 1);

        await pooler.DisposeAsync();

        var lines = pooler.Log.Lines.ToList();
        foreach (var line in lines.Where(l => l.Contains(" S-", StringComparison.Ordinal)))
            output.WriteLine(line);
        Assert.DoesNotContain(lines, l => l.Contains("lost", StringComparison.Ordinal));
        var closed = lines.Where(l => l.Contains("Information S-", StringComparison.Ordinal) && l.Contains("closing: pooler shutdown", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, closed.Count);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => running);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => idle.ScalarAsync("SELECT 1"));
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
