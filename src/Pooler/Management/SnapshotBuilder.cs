// Copies one runtime's pools, sessions, servers and configuration into an AdminSnapshot, on its loop thread.
using Pooler.Clients;
using Pooler.Config;
using Pooler.Hosting;
using Pooler.Pools;
using Pooler.Servers;

namespace Pooler.Management;

internal static class SnapshotBuilder
{
    /// <summary>Loop thread of <paramref name="rt"/> only: reads live lists without locks.</summary>
    public static AdminSnapshot Build(PoolerRuntime rt, DateTimeOffset startedAt)
    {
        var now = DateTimeOffset.UtcNow;
        var config = rt.Config;
        var manager = rt.Manager;
        var sessions = rt.Sessions.ToList();
        var clients = sessions.Select(s => s.Describe(rt.WorkerId, now))
            .Select(c => c with { Id = ClientIds.Global(rt.WorkerId, c.Id) }).OrderBy(c => c.Id).ToList();

        var pools = new List<PoolInfo>();
        var servers = new List<ServerInfo>();
        foreach (var pool in manager.Pools.OrderBy(p => p.Key.Database, StringComparer.Ordinal).ThenBy(p => p.Key.User, StringComparer.Ordinal))
        {
            var mode = config.ResolvePool(pool.Key.Database, pool.Key.User).PoolMode;
            var mine = clients.Where(c => !c.IsAdmin && c.Database == pool.Key.Database && SameUser(config, c, pool.Key)).ToList();
            var tested = pool.ActiveServers.Count(s => s is ServerConnection { State: ServerState.Cleaning });
            pools.Add(new PoolInfo
            {
                Database = pool.Key.Database,
                User = pool.Key.User,
                ClActive = mine.Count(c => c.State is "active" or "idle"),
                ClWaiting = mine.Count(c => c.State == "waiting"),
                ClActiveCancelReq = mine.Count(c => c.State == "active_cancel_req"),
                SvActiveCancel = pool.ActiveCancels,
                SvBeingCanceled = pool.BeingCanceledServers.Count,
                SvActive = pool.ActiveCount - tested,
                SvIdle = pool.IdleCount,
                SvUsed = 0,
                SvTested = tested,
                SvLogin = pool.LoginCount,
                MaxWaitUs = pool.OldestWait(manager.Time.GetUtcNow()).Ticks / TimeSpan.TicksPerMicrosecond,
                PoolMode = mode.ToConfigName(),
                PoolSize = pool.Settings.PoolSize,
                Paused = pool.IsPaused,
                Stats = pool.Stats.Snapshot(),
                StatsShared = pool.Stats.IsShared,
            });
            foreach (var server in pool.ActiveServers.Concat(pool.IdleServers).OfType<ServerConnection>())
                servers.Add(Describe(server, pool, rt.WorkerId));
            foreach (var server in pool.BeingCanceledServers.OfType<ServerConnection>())
                servers.Add(Describe(server, pool, rt.WorkerId) with { State = "being_canceled" });
        }

        return new AdminSnapshot
        {
            Version = Cli.VersionInfo.Version,
            TakenAt = now,
            StartedAt = startedAt,
            Paused = manager.PausedAll,
            ShuttingDown = rt.ShuttingDown,
            Pools = pools,
            Clients = clients,
            Servers = servers.OrderBy(s => s.Id).ToList(),
            Databases = Databases(config, manager, clients),
            Users = Users(config, manager, clients),
            Workers =
            [
                new WorkerInfo
                {
                    Id = rt.WorkerId,
                    Pid = Environment.ProcessId,
                    Clients = sessions.Count,
                    Servers = servers.Count + pools.Sum(p => p.SvLogin),
                },
            ],
            Config = ConfigListing.List(config.Pooler),
        };
    }

    // A client belongs to the pool of its database and its server user (the entry's forced user, else its own).
    private static bool SameUser(PoolerConfig config, ClientInfo client, PoolKey key) =>
        (config.FindDatabase(client.Database)?.User ?? client.User) == key.User;

    private static ServerInfo Describe(ServerConnection server, Pool pool, int worker)
    {
        var (addr, port) = ClientSession.Split(server.EndPoint);
        var (localAddr, localPort) = ClientSession.Split(server.LocalEndPoint);
        var owner = server.Owner as ClientSession;
        return new ServerInfo
        {
            Id = server.Id,
            Worker = worker,
            User = pool.Key.User,
            Database = pool.Key.Database,
            State = server.State switch
            {
                ServerState.Linked => "active",
                ServerState.Cleaning => "tested",
                ServerState.Login => "new",
                _ => "idle",
            },
            Addr = addr,
            Port = port,
            LocalAddr = localAddr,
            LocalPort = localPort,
            ConnectTime = server.ConnectedAt,
            RequestTime = server.ConnectedAt,
            CloseNeeded = pool.IsCloseNeeded(server),
            Link = owner is null ? null : ClientIds.Global(worker, owner.Id),
            RemotePid = server.BackendKey?.ProcessId ?? 0,
            ApplicationName = owner?.Parameters.Get("application_name") ?? "",
            Tls = server.TlsDescription ?? "",
            PreparedStatements = server.PreparedStatementCount,
        };
    }

    private static List<DatabaseInfo> Databases(PoolerConfig config, PoolManager manager, List<ClientInfo> clients)
    {
        var list = new List<DatabaseInfo>();
        var options = config.Pooler;
        foreach (var (name, db) in config.Databases.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (name == PoolerConfig.WildcardDatabase)
                continue;
            list.Add(Describe(name, db));
        }
        // Databases served only through "*" show up once they have a pool, as PgBouncer's auto-created entries do.
        if (config.Databases.TryGetValue(PoolerConfig.WildcardDatabase, out var wildcard))
        {
            foreach (var name in manager.Pools.Select(p => p.Key.Database).Distinct().Where(n => !config.Databases.ContainsKey(n)).Order(StringComparer.Ordinal))
            {
                list.Add(Describe(name, wildcard));
            }
        }
        return list;

        // An entry of its own, or a database served through "*": both rows are built from the entry's options.
        DatabaseInfo Describe(string name, DatabaseOptions db) => new()
        {
            Name = name,
            Host = db.Host,
            Port = db.Port,
            DbName = db.ServerDbName(name),
            ForceUser = db.User,
            PoolSize = db.PoolSize ?? options.DefaultPoolSize,
            MinPoolSize = db.MinPoolSize ?? options.MinPoolSize,
            ReservePoolSize = db.ReservePoolSize ?? options.ReservePoolSize,
            ServerLifetimeSeconds = (int)options.ServerLifetime.TotalSeconds,
            PoolMode = db.PoolMode?.ToConfigName(),
            MaxConnections = db.MaxDbConnections ?? options.MaxDbConnections,
            CurrentConnections = manager.Counters.ServersOfDatabase(name),
            MaxClientConnections = options.MaxDbClientConnections,
            CurrentClientConnections = clients.Count(c => c.Database == name),
            Paused = manager.IsPaused(name),
            Disabled = manager.IsDisabled(name),
        };
    }

    private static List<UserInfo> Users(PoolerConfig config, PoolManager manager, List<ClientInfo> clients)
    {
        var options = config.Pooler;
        var names = config.Users.Keys
            .Concat(manager.Pools.Select(p => p.Key.User))
            .Concat(clients.Where(c => c.User.Length > 0).Select(c => c.User))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var list = new List<UserInfo>();
        foreach (var name in names)
        {
            var user = config.Users.GetValueOrDefault(name);
            list.Add(new UserInfo
            {
                Name = name,
                PoolSize = user?.PoolSize,
                ReservePoolSize = user?.ReservePoolSize,
                PoolMode = user?.PoolMode?.ToConfigName(),
                MaxUserConnections = user?.MaxUserConnections ?? options.MaxUserConnections,
                CurrentConnections = manager.Counters.ServersOfUser(name),
                MaxUserClientConnections = user?.MaxUserClientConnections ?? options.MaxUserClientConnections,
                CurrentClientConnections = clients.Count(c => c.User == name),
            });
        }
        return list;
    }
}
