// `pooler bench -i`: creates and fills pgbench's tables like `pgbench -i -I dtGvp` (server-side generation with
// INSERT ... SELECT generate_series, then VACUUM and primary keys), so the builtin scripts find what they expect.
using System.Diagnostics;
using System.Net;
using Pooler.Io;

namespace Pooler.Bench;

public static class BenchInit
{
    /// <summary>pgbench's rows per scale unit.</summary>
    public const int Branches = 1, Tellers = 10, Accounts = 100_000;

    /// <summary>The statements for <paramref name="scale"/>, in order (pgbench's definitions, fillfactor 100).</summary>
    public static IReadOnlyList<(string Step, string Sql)> Statements(int scale) =>
    [
        ("dropping old tables", "drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers"),
        ("creating tables", "create table pgbench_history(tid int,bid int,aid int,delta int,mtime timestamp,filler char(22))"),
        ("creating tables", "create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)"),
        ("creating tables", "create table pgbench_accounts(aid int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)"),
        ("creating tables", "create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)"),
        ("generating data (server-side)", "begin"),
        ("generating data (server-side)", "truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers"),
        ("generating data (server-side)", $"insert into pgbench_branches(bid,bbalance) select bid, 0 from generate_series(1, {Branches * scale}) as bid"),
        ("generating data (server-side)", $"insert into pgbench_tellers(tid,bid,tbalance) select tid, (tid - 1) / {Tellers} + 1, 0 from generate_series(1, {Tellers * scale}) as tid"),
        ("generating data (server-side)", $"insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / {Accounts} + 1, 0, '' from generate_series(1, {(long)Accounts * scale}) as aid"),
        ("generating data (server-side)", "commit"),
        ("vacuuming", "vacuum analyze pgbench_branches"),
        ("vacuuming", "vacuum analyze pgbench_tellers"),
        ("vacuuming", "vacuum analyze pgbench_accounts"),
        ("vacuuming", "vacuum analyze pgbench_history"),
        ("creating primary keys", "alter table pgbench_branches add primary key (bid)"),
        ("creating primary keys", "alter table pgbench_tellers add primary key (tid)"),
        ("creating primary keys", "alter table pgbench_accounts add primary key (aid)"),
    ];

    /// <summary>Runs the initialisation; returns an exit code (1 when connecting or a statement fails).</summary>
    public static async Task<int> RunAsync(BenchOptions options, EndPoint endPoint, TextWriter log, CancellationToken ct)
    {
        var scale = options.Scale ?? 1;
        using var engine = IoEngine.Create(options.Backend);
        engine.Start();
        var watch = Stopwatch.StartNew();
        return await engine.RunAsync(async () =>
        {
            var (connection, error) = await BenchConnection.OpenAsync(engine, endPoint, options, BenchRunContext.ConnectTimeout, ct);
            if (connection is null)
            {
                await log.WriteLineAsync($"pooler bench: {error}");
                return 1;
            }
            await using (connection)
            {
                string? step = null;
                foreach (var (name, sql) in Statements(scale))
                {
                    if (name != step)
                    {
                        step = name;
                        await log.WriteLineAsync(name + "...");
                    }
                    var (_, outcome) = await connection.QueryScalarAsync(sql);
                    if (outcome.Status != StatementStatus.Ok)
                    {
                        await log.WriteLineAsync($"pooler bench: {name} failed: {outcome.Message} (SQLSTATE {outcome.SqlState})\nstatement: {sql}");
                        return 1;
                    }
                }
            }
            await log.WriteLineAsync($"done in {watch.Elapsed.TotalSeconds:0.00} s (scale {scale}: {(long)Accounts * scale} accounts).");
            return 0;
        });
    }
}
