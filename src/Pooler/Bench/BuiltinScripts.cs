// pgbench's builtin scripts, with pgbench's exact statements, so results compare with real pgbench runs.
namespace Pooler.Bench;

/// <summary>The scripts selectable with <c>-b NAME</c>.</summary>
public static class BuiltinScripts
{
    public const string TpcbLike = "tpcb-like", SimpleUpdate = "simple-update", SelectOnly = "select-only";

    public static readonly IReadOnlyList<string> Names = [TpcbLike, SimpleUpdate, SelectOnly];

    /// <summary>The canonical name for <paramref name="name"/> or a unique prefix of it (pgbench allows "-b select"), else null.</summary>
    public static string? Find(string name)
    {
        var matches = Names.Where(n => n.StartsWith(name, StringComparison.Ordinal)).ToList();
        return name.Length > 0 && matches.Count == 1 ? matches[0] : Names.Contains(name) ? name : null;
    }

    /// <summary>The script text of a builtin.</summary>
    public static string Text(string name) => name switch
    {
        TpcbLike => """
            \set aid random(1, 100000 * :scale)
            \set bid random(1, 1 * :scale)
            \set tid random(1, 10 * :scale)
            \set delta random(-5000, 5000)
            BEGIN;
            UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
            SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
            UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
            UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
            INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
            END;
            """,
        SimpleUpdate => """
            \set aid random(1, 100000 * :scale)
            \set bid random(1, 1 * :scale)
            \set tid random(1, 10 * :scale)
            \set delta random(-5000, 5000)
            BEGIN;
            UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
            SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
            INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
            END;
            """,
        SelectOnly => """
            \set aid random(1, 100000 * :scale)
            SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a builtin script"),
    };
}
