// The conversations captured from a real server: Npgsql logins and extended queries, simple queries, pgbench.
using System.Diagnostics;
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Protocol.Tests.Capture;

/// <summary>Runs each scenario through a <see cref="CapturingRelay"/> and returns the recorded connections.</summary>
internal static class CaptureScenarios
{
    public static readonly string[] Names = ["npgsql-scram", "npgsql-md5", "npgsql-extended", "npgsql-cancel", "simple-queries"];

    public static async Task<List<RecordedConnection>> RunAsync(PostgresServer pg, string name)
    {
        await using var relay = new CapturingRelay(pg.Host, pg.Port);
        switch (name)
        {
            case "npgsql-scram":
                await NpgsqlScalarAsync(relay.Port, PostgresServer.ScramUser, PostgresServer.ScramPassword);
                break;
            case "npgsql-md5":
                await NpgsqlScalarAsync(relay.Port, PostgresServer.Md5User, PostgresServer.Md5Password);
                break;
            case "npgsql-extended":
                await ExtendedAsync(relay.Port);
                break;
            case "npgsql-cancel":
                await CancelAsync(pg, relay.Port);
                break;
            case "simple-queries":
                await SimpleAsync(relay.Port);
                break;
            default:
                throw new ArgumentException(name);
        }
        await relay.DrainAsync();
        return relay.Connections;
    }

    private static string Cs(int port, string user, string? password = null) =>
        PostgresServer.ConnectionString("127.0.0.1", port, user, password);

    private static async Task NpgsqlScalarAsync(int port, string user, string password)
    {
        await using var c = new NpgsqlConnection(Cs(port, user, password));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT 1", c);
        Assert.Equal(1, await cmd.ExecuteScalarAsync());
    }

    private static async Task ExtendedAsync(int port)
    {
        await using var c = new NpgsqlConnection(Cs(port, PostgresServer.TrustUser));
        await c.OpenAsync();
        await using (var prepared = new NpgsqlCommand("SELECT $1::int + 1, $2::text", c))
        {
            prepared.Parameters.AddWithValue(41);
            prepared.Parameters.AddWithValue("text");
            await prepared.PrepareAsync();
            for (int i = 0; i < 2; i++)
                await using (var reader = await prepared.ExecuteReaderAsync())
                    Assert.True(await reader.ReadAsync());
            await prepared.UnprepareAsync();
        }
        await Assert.ThrowsAsync<PostgresException>(async () => await new NpgsqlCommand("SELECT 1/0", c).ExecuteScalarAsync());
        await new NpgsqlCommand("DO $$BEGIN RAISE NOTICE 'hello from %', 'plpgsql' USING HINT = 'a hint'; END$$", c).ExecuteNonQueryAsync();
        await new NpgsqlCommand("LISTEN chan; NOTIFY chan, 'payload'", c).ExecuteNonQueryAsync();
        await new NpgsqlCommand("CREATE TEMP TABLE t (a int, b text)", c).ExecuteNonQueryAsync();
        await using (var writer = await c.BeginTextImportAsync("COPY t FROM STDIN"))
            await writer.WriteAsync("1\tone\n2\ttwo\n");
        using (var reader = await c.BeginTextExportAsync("COPY t TO STDOUT"))
            Assert.Contains("two", await reader.ReadToEndAsync());
        await new NpgsqlCommand("BEGIN; SELECT 1; ROLLBACK", c).ExecuteNonQueryAsync();
    }

    private static async Task CancelAsync(PostgresServer pg, int port)
    {
        await using var c = new NpgsqlConnection(Cs(port, PostgresServer.TrustUser));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pg_sleep(30)", c);
        var running = cmd.ExecuteNonQueryAsync();
        // Wait until the server runs the query, so the cancel cannot arrive before it.
        var watch = Stopwatch.StartNew();
        while (await pg.ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'") is 0L)
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "query never started");
        cmd.Cancel();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => running);
        Assert.Contains("57014", error.ToString());
    }

    private static async Task SimpleAsync(int port)
    {
        var (client, error) = await RawPgClient.ConnectAsync("127.0.0.1", port, PostgresServer.TrustUser, PostgresServer.Database,
            protocolVersion: (3 << 16) | 5, extraParameters: [new("_pq_.test_option", "on")]);
        Assert.Null(error);
        await using (client)
        {
            Assert.NotNull(client!.Negotiated);
            var (rows, tag, _) = await client.QueryAsync("SELECT 1 AS one, NULL::text AS nothing, 'x'::varchar(3) AS v, now() AS t");
            Assert.Equal("SELECT 1", tag);
            Assert.Single(rows);
            await client.QueryAsync("");
            await client.QueryAsync("SELECT * FROM generate_series(1, 3) g");
            await client.QueryAsync("SELECT no_such_column");
        }
    }

    /// <summary>pgbench (extended protocol, TPC-B like) through the relay: the benchmark's recorded stream.</summary>
    public static async Task<RecordedConnection> PgbenchAsync(PostgresServer pg, int transactions)
    {
        var init = await ProcessRunner.RunAsync("pgbench", ["-i", "-s", "1", "-q", "-h", pg.Host, "-p", pg.Port.ToString(), "-U", PostgresServer.SuperUser, PostgresServer.Database]);
        Assert.True(init.ExitCode == 0, init.ToString());
        await using var relay = new CapturingRelay(pg.Host, pg.Port);
        var run = await ProcessRunner.RunAsync("pgbench", ["-n", "-M", "extended", "-c", "1", "-t", transactions.ToString(), "-h", "127.0.0.1",
            "-p", relay.Port.ToString(), "-U", PostgresServer.SuperUser, PostgresServer.Database]);
        Assert.True(run.ExitCode == 0, run.ToString());
        await relay.DrainAsync();
        return relay.Connections.MaxBy(c => c.FromServer.Length)!;   // pgbench also opens a short setup connection
    }
}
