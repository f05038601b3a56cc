// Maps a client's requested database and user to a pool, creating pools from the configuration on first use.
using Pooler.Config;
using Pooler.Servers;

namespace Pooler.Pools;

/// <summary>
/// Resolves [databases] entries (with the "*" fallback) and [users] overrides into pools. A database entry with a
/// forced <c>user</c> sends every client to one pool logged in as that user; otherwise each client user gets its
/// own pool, logged in as itself. Loop-thread only.
/// </summary>
internal sealed class PoolDirectory(PoolManager manager, Func<string, string?> authFileSecret)
{
    private readonly Dictionary<PoolKey, PoolRoute> _routes = [];
    private readonly Dictionary<PoolKey, ServerTarget> _targets = [];

    public PoolerConfig Config { get; private set; } = new();

    public void Configure(PoolerConfig config)
    {
        Config = config;
        manager.Settings = new PoolManagerSettings
        {
            MaxClientConn = config.Pooler.MaxClientConn,
            MaxServerConnectsPerHost = config.Pooler.MaxServerConnectsPerHost,
        };
    }

    /// <summary>The route for a client, or null when no [databases] entry (nor "*") serves the database.</summary>
    public PoolRoute? Resolve(string database, string clientUser)
    {
        var entry = Config.FindDatabase(database);
        if (entry is null)
            return null;
        var serverUser = entry.User ?? clientUser;
        var key = new PoolKey(database, serverUser);
        if (_routes.TryGetValue(key, out var route))
            return route;

        var (target, limits, mode) = Build(entry, database, clientUser, serverUser);
        // The target must be known before GetOrCreate, which may start min_pool_size logins at once.
        _targets[key] = target;
        route = new PoolRoute(manager.GetOrCreate(key, limits), mode, target);
        _routes[key] = route;
        return route;
    }

    private (ServerTarget Target, PoolLimits Limits, PoolMode Mode) Build(DatabaseOptions entry, string database,
        string clientUser, string serverUser)
    {
        var resolved = Config.ResolvePool(entry, clientUser);
        var options = Config.Pooler;
        var password = entry.User is not null && entry.Password is not null ? entry.Password : authFileSecret(serverUser) ?? entry.Password;
        var target = new ServerTarget(entry.Host, entry.Port, entry.ServerDbName(database), serverUser, password,
            options.ServerConnectTimeout)
        {
            CancelWaitTimeout = options.CancelWaitTimeout,
        };
        var limits = new PoolLimits
        {
            PoolSize = resolved.PoolSize,
            MinPoolSize = resolved.MinPoolSize,
            ReservePoolSize = resolved.ReservePoolSize,
            ReservePoolTimeout = options.ReservePoolTimeout,
            MaxDbConnections = resolved.MaxDbConnections,
            MaxUserConnections = resolved.MaxUserConnections,
            QueryWaitTimeout = options.QueryWaitTimeout,
            ServerLoginRetry = options.ServerLoginRetry,
            ServerIdleTimeout = options.ServerIdleTimeout,
            ServerLifetime = options.ServerLifetime,
            ServerCheckQuery = options.ServerCheckQuery,
            ServerCheckDelay = options.ServerCheckDelay,
            HostKey = target.HostKey,
        };
        return (target, limits, resolved.PoolMode);
    }

    /// <summary>
    /// Reload: take <paramref name="config"/> as the new snapshot. Pools whose database is still served get their new
    /// limits (sessions keep running; new acquisitions see them), new logins use the new target, new clients the new
    /// mode. A database no longer served keeps its pool for the clients already in it, but new clients get 3D000.
    /// Returns the names of databases dropped from the routes.
    /// </summary>
    public IReadOnlyList<string> Reconfigure(PoolerConfig config)
    {
        Configure(config);
        var dropped = new List<string>();
        foreach (var (key, route) in _routes.ToArray())
        {
            var entry = config.FindDatabase(key.Database);
            if (entry is null || (entry.User is not null && entry.User != key.User))
            {
                _routes.Remove(key);
                dropped.Add(key.Database);
                continue;
            }
            var (target, limits, mode) = Build(entry, key.Database, key.User, key.User);
            _targets[key] = target;
            _routes[key] = new PoolRoute(route.Pool, mode, target);
            route.Pool.UpdateSettings(limits);
        }
        return dropped;
    }

    public ServerTarget? TargetOf(Pool pool) => _targets.GetValueOrDefault(pool.Key);

    /// <summary>Create the pools of entries with a forced user, so their min_pool_size is warm before any client comes.</summary>
    public void WarmForcedUserPools()
    {
        foreach (var (name, entry) in Config.Databases)
        {
            if (name != PoolerConfig.WildcardDatabase && entry.User is not null)
                Resolve(name, entry.User);
        }
    }
}
