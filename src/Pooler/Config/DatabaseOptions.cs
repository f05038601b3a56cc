// One [databases.NAME] section: where a client-visible database really lives and its pool overrides.
namespace Pooler.Config;

/// <summary>
/// A <c>[databases.NAME]</c> entry. Clients connect to <see cref="Name"/>; the pooler logs in to
/// <see cref="DbName"/> on <see cref="Host"/>:<see cref="Port"/>. Nullable settings inherit from <c>[pooler]</c>
/// (or from the client's startup packet for the session parameters). The entry named "*" is the fallback for any
/// database name not listed.
/// </summary>
public sealed record DatabaseOptions
{
    /// <summary>The name clients use (the TOML table name); "*" for the fallback entry.</summary>
    public required string Name { get; init; }

    /// <summary>host: PostgreSQL host name or IP address; a value starting with "/" is a Unix socket directory.
    /// Default: "127.0.0.1" (PgBouncer defaults to its Unix socket; an explicit TCP address is less surprising).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>port: PostgreSQL port. Default: 5432.</summary>
    public int Port { get; init; } = 5432;

    /// <summary>dbname: the database name on the server. Default: null = the name the client asked for
    /// (which is <see cref="Name"/>, except for the "*" entry). Use <see cref="ServerDbName"/>.</summary>
    public string? DbName { get; init; }

    /// <summary>user: log in to the server as this user instead of the client's user (one pool for all clients).
    /// Default: null = the client's user.</summary>
    public string? User { get; init; }

    /// <summary>password: server password for <see cref="User"/> (or for the client's user). Default: null =
    /// taken from auth_file, or from the client's own SCRAM exchange.</summary>
    public string? Password { get; init; }

    /// <summary>auth_user: overrides [pooler] auth_user for auth_query on this database. Default: null.</summary>
    public string? AuthUser { get; init; }

    /// <summary>pool_size: overrides default_pool_size. Default: null (inherit).</summary>
    public int? PoolSize { get; init; }

    /// <summary>min_pool_size: overrides [pooler] min_pool_size. Default: null (inherit).</summary>
    public int? MinPoolSize { get; init; }

    /// <summary>reserve_pool_size: overrides [pooler] reserve_pool_size. Default: null (inherit).</summary>
    public int? ReservePoolSize { get; init; }

    /// <summary>pool_mode: overrides [pooler] pool_mode. Default: null (inherit).</summary>
    public PoolMode? PoolMode { get; init; }

    /// <summary>max_db_connections: overrides [pooler] max_db_connections. Default: null (inherit).</summary>
    public int? MaxDbConnections { get; init; }

    /// <summary>connect_query: run once on every new server connection. Default: null.</summary>
    public string? ConnectQuery { get; init; }

    /// <summary>application_name: sent to the server at login unless the client sets its own. Default: null.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>client_encoding: sent to the server at login unless the client sets its own. Default: null.</summary>
    public string? ClientEncoding { get; init; }

    /// <summary>datestyle: sent to the server at login unless the client sets its own. Default: null.</summary>
    public string? DateStyle { get; init; }

    /// <summary>timezone: sent to the server at login unless the client sets its own. Default: null.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The database name to log in to on the server for a client that asked for
    /// <paramref name="requested"/>.</summary>
    public string ServerDbName(string requested) => DbName ?? requested;
}
