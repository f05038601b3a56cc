// An exhausted pool: the waiting client gets query_wait_timeout instead of hanging, and the holder is unaffected.
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class QueryWaitTimeoutTests(PostgresFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task Acquire_PoolHeldLongerThanQueryWaitTimeout_WaiterGetsError()
    {
        await using var pooler = await PoolerHarness.StartAsync(fixture.Server,
            o => o with { DefaultPoolSize = 1, QueryWaitTimeout = TimeSpan.FromSeconds(1) });
        await using var holder = await pooler.OpenAsync();
        await holder.ExecAsync("BEGIN");
        await holder.ScalarAsync("SELECT 1");
        await using var waiter = await pooler.OpenAsync();

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => waiter.ScalarAsync("SELECT 2"));

        var pg = error as PostgresException ?? error.InnerException as PostgresException;
        Assert.NotNull(pg);
        Assert.Equal("08P01", pg.SqlState);
        Assert.Contains("query_wait_timeout", pg.MessageText);
        Assert.Equal(3, await holder.ScalarAsync("SELECT 3"));
        await holder.ExecAsync("COMMIT");
    }
}
