// Creates the pgbench tables once per fixture server (pgbench -i -s 1), shared by every load test.
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

internal static class PgBenchTables
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly HashSet<int> Ready = [];

    public static async Task EnsureAsync(PostgresServer pg)
    {
        await Gate.WaitAsync();
        try
        {
            if (Ready.Contains(pg.Port))
                return;
            (await PgBench.InitAsync(pg.Host, pg.Port, PostgresServer.SuperUser, PostgresServer.Database)).ThrowIfFailed();
            Ready.Add(pg.Port);
        }
        finally
        {
            Gate.Release();
        }
    }
}
