// The whole configuration snapshot: immutable, swapped as a unit on reload.
namespace Pooler.Config;

/// <summary>
/// One configuration snapshot as loaded by <see cref="ConfigLoader"/>. Immutable; a reload builds a new one.
/// Dictionary keys compare ordinally (PostgreSQL names are case-sensitive once quoted).
/// </summary>
public sealed record PoolerConfig
{
    /// <summary>The name of the fallback database entry, [databases."*"].</summary>
    public const string WildcardDatabase = "*";

    /// <summary>The [pooler] section.</summary>
    public PoolerOptions Pooler { get; init; } = new();

    /// <summary>The [databases.NAME] entries by client-visible name, including "*" when present.</summary>
    public IReadOnlyDictionary<string, DatabaseOptions> Databases { get; init; } =
        new Dictionary<string, DatabaseOptions>(StringComparer.Ordinal);

    /// <summary>The [users.NAME] entries by user name.</summary>
    public IReadOnlyDictionary<string, UserOptions> Users { get; init; } =
        new Dictionary<string, UserOptions>(StringComparer.Ordinal);

    /// <summary>The file this was loaded from, or null when parsed from text.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The entry serving a client's requested database: its own entry, else the "*" fallback, else null
    /// (the client gets 3D000). The fallback is returned as is: use
    /// <see cref="DatabaseOptions.ServerDbName"/> to get the server-side name.</summary>
    public DatabaseOptions? FindDatabase(string requested) =>
        Databases.TryGetValue(requested, out var db) ? db
        : Databases.TryGetValue(WildcardDatabase, out var wildcard) ? wildcard
        : null;

    /// <summary>Effective pool settings for (database entry, user): a [users] value wins over the database's, which
    /// wins over [pooler], as in PgBouncer. <paramref name="database"/> may be null for a database without entry.</summary>
    public ResolvedPoolOptions ResolvePool(DatabaseOptions? database, string user)
    {
        Users.TryGetValue(user, out var u);
        var g = Pooler;
        return new ResolvedPoolOptions(
            PoolMode: u?.PoolMode ?? database?.PoolMode ?? g.PoolMode,
            PoolSize: u?.PoolSize ?? database?.PoolSize ?? g.DefaultPoolSize,
            MinPoolSize: database?.MinPoolSize ?? g.MinPoolSize,
            ReservePoolSize: u?.ReservePoolSize ?? database?.ReservePoolSize ?? g.ReservePoolSize,
            MaxDbConnections: database?.MaxDbConnections ?? g.MaxDbConnections,
            MaxUserConnections: u?.MaxUserConnections ?? g.MaxUserConnections,
            MaxUserClientConnections: u?.MaxUserClientConnections ?? g.MaxUserClientConnections);
    }

    /// <summary>Effective pool settings for a client's requested database name and user.</summary>
    public ResolvedPoolOptions ResolvePool(string database, string user) => ResolvePool(FindDatabase(database), user);
}
