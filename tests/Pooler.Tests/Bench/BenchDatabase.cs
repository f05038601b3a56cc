// A database of the fixture server with pgbench's tables made by `pooler bench -i`, shared by the bench tests.
using Npgsql;
using Pooler.Tests.Cli;
using Pooler.TestSupport;

namespace Pooler.Tests.Bench;

internal static class BenchDatabase
{
    public const string Name = "pooler_bench";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? s_readyOn;

    /// <summary>Creates the database and runs `pooler bench -i -s 1` once per server; every role may use the tables.</summary>
    public static async Task EnsureAsync(PostgresServer pg)
    {
        await Gate.WaitAsync();
        try
        {
            if (ReferenceEquals(s_readyOn, pg))
                return;
            await CreateAsync(pg, Name);
            var init = await CliHarness.RunAsync(["bench", .. Connection(pg, PostgresServer.SuperUser, Name), "-i", "-s", "1"]);
            Assert.True(init.ExitCode == 0, init.Error);
            await ExecuteAsync(pg, Name, "GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC");
            s_readyOn = pg;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task CreateAsync(PostgresServer pg, string database)
    {
        if (await pg.ScalarAsync($"SELECT count(*) FROM pg_database WHERE datname = '{database}'") is 0L)
            await pg.ExecuteAsync($"CREATE DATABASE {database}");
    }

    /// <summary>-h -p -U -d for the fixture over TCP.</summary>
    public static string[] Connection(PostgresServer pg, string user, string database = Name) =>
        ["-h", pg.Host, "-p", pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", user, "-d", database];

    public static async Task<object?> ScalarAsync(PostgresServer pg, string database, string sql)
    {
        await using var c = new NpgsqlConnection(pg.ConnectionString(PostgresServer.SuperUser, database: database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return await cmd.ExecuteScalarAsync();
    }

    public static async Task ExecuteAsync(PostgresServer pg, string database, string sql) => await ScalarAsync(pg, database, sql);
}
