// One [users.NAME] section: per-user overrides, which win over the database's and the global settings.
namespace Pooler.Config;

/// <summary>A <c>[users.NAME]</c> entry. Null settings inherit from the database entry, then from [pooler].</summary>
public sealed record UserOptions
{
    /// <summary>The user name (the TOML table name).</summary>
    public required string Name { get; init; }

    /// <summary>pool_mode: overrides the database's and the global pool_mode. Default: null (inherit).</summary>
    public PoolMode? PoolMode { get; init; }

    /// <summary>pool_size: overrides the database's pool_size and default_pool_size. Default: null (inherit).</summary>
    public int? PoolSize { get; init; }

    /// <summary>reserve_pool_size: overrides the database's and the global value. Default: null (inherit).</summary>
    public int? ReservePoolSize { get; init; }

    /// <summary>max_user_connections: server connections for this user over all pools. Default: null (inherit).</summary>
    public int? MaxUserConnections { get; init; }

    /// <summary>max_user_client_connections: client connections for this user. Default: null (inherit).</summary>
    public int? MaxUserClientConnections { get; init; }
}
