// Everything the admin console, the CLI and the metrics show, copied on one event loop (or merged over several).
using Pooler.Stats;

namespace Pooler.Management;

/// <summary>
/// A serialisable picture of one runtime (or, after <see cref="SnapshotMerge.Merge"/>, of every worker): built on
/// the loop thread that owns the objects, then read anywhere. Nothing in it refers back to live objects.
/// </summary>
internal sealed record AdminSnapshot
{
    public string Version { get; init; } = "";
    public DateTimeOffset TakenAt { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public bool Paused { get; init; }
    public bool ShuttingDown { get; init; }
    public List<PoolInfo> Pools { get; init; } = [];
    public List<ClientInfo> Clients { get; init; } = [];
    public List<ServerInfo> Servers { get; init; } = [];
    public List<DatabaseInfo> Databases { get; init; } = [];
    public List<UserInfo> Users { get; init; } = [];
    public List<WorkerInfo> Workers { get; init; } = [];
    public List<ConfigItem> Config { get; init; } = [];

    /// <summary>Totals of every pool of each database, in database order (SHOW STATS rows).</summary>
    public IEnumerable<(string Database, StatsTotals Totals)> StatsByDatabase() =>
        Pools.GroupBy(p => p.Database, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Aggregate(StatsTotals.Empty, (sum, p) => sum.Add(p.Stats))));
}
