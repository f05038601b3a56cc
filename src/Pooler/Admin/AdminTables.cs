// The SHOW tables of the admin console with PgBouncer 1.25's column names, order and types, built from a snapshot.
using Pooler.Management;
using Pooler.Stats;

namespace Pooler.Admin;

/// <summary>Pure functions of an <see cref="AdminSnapshot"/>; the CLI prints the same tables.</summary>
internal static class AdminTables
{
    /// <summary>The SHOW subjects, for the error that lists them.</summary>
    public static readonly string[] Subjects =
    [
        "POOLS", "STATS", "STATS_TOTALS", "STATS_AVERAGES", "TOTALS", "CLIENTS", "SERVERS", "DATABASES", "USERS",
        "LISTS", "CONFIG", "VERSION", "STATE", "MEM", "WORKERS",
    ];

    /// <summary>The table for SHOW <paramref name="subject"/>, or null when there is no such subject.</summary>
    public static AdminTable? Show(string subject, AdminSnapshot s, StatsAverages averages) => subject.ToUpperInvariant() switch
    {
        "POOLS" => Pools(s),
        "STATS" => Stats(s, averages),
        "STATS_TOTALS" => StatsTotals(s),
        "STATS_AVERAGES" => StatsAverages(s, averages),
        "TOTALS" => Totals(s, averages),
        "CLIENTS" => Clients(s),
        "SERVERS" => Servers(s),
        "DATABASES" => Databases(s),
        "USERS" => Users(s),
        "LISTS" => Lists(s),
        "CONFIG" => Config(s),
        "VERSION" => Version(s),
        "STATE" => State(s),
        "MEM" => Mem(),
        "WORKERS" => Workers(s),
        _ => null,
    };

    public static AdminTable Pools(AdminSnapshot s)
    {
        var t = new AdminTable("database:s", "user:s", "cl_active:i", "cl_waiting:i", "cl_active_cancel_req:i",
            "cl_waiting_cancel_req:i", "sv_active:i", "sv_active_cancel:i", "sv_being_canceled:i", "sv_idle:i",
            "sv_used:i", "sv_tested:i", "sv_login:i", "maxwait:i", "maxwait_us:i", "pool_mode:s", "load_balance_hosts:s");
        foreach (var p in s.Pools)
        {
            // cl_waiting_cancel_req is always 0: a cancel is forwarded at once on its own connection, never queued.
            t.Add(p.Database, p.User, p.ClActive, p.ClWaiting, p.ClActiveCancelReq, 0, p.SvActive, p.SvActiveCancel,
                p.SvBeingCanceled, p.SvIdle, p.SvUsed, p.SvTested,
                p.SvLogin, p.MaxWaitUs / 1_000_000, p.MaxWaitUs % 1_000_000, p.PoolMode, null);
        }
        return t;
    }

    private static readonly string[] s_totalColumns =
    [
        "server_assignment_count", "xact_count", "query_count", "received", "sent", "xact_time", "query_time",
        "wait_time", "client_parse_count", "server_parse_count", "bind_count",
    ];

    private static readonly string[] s_averageColumns =
    [
        "server_assignment_count", "xact_count", "query_count", "recv", "sent", "xact_time", "query_time",
        "wait_time", "client_parse_count", "server_parse_count", "bind_count",
    ];

    public static AdminTable Stats(AdminSnapshot s, StatsAverages averages)
    {
        var columns = new List<string> { "database:s" };
        // Numeric, as PgBouncer since 1.12: a counter may outgrow bigint in a client that reads it signed.
        columns.AddRange(s_totalColumns.Select(c => $"total_{c}:N"));
        columns.AddRange(s_averageColumns.Select(c => $"avg_{c}:N"));
        var t = new AdminTable(columns.ToArray());
        foreach (var (db, totals) in s.StatsByDatabase())
            t.Add([db, .. TotalValues(totals), .. AverageValues(averages.Of(db, totals))]);
        return t;
    }

    // SHOW STATS_TOTALS / STATS_AVERAGES name received/sent bytes_received/bytes_sent, as PgBouncer does.
    private static IEnumerable<string> SubsetColumns() =>
        s_totalColumns.Select(c => c switch { "received" => "bytes_received", "sent" => "bytes_sent", _ => c } + ":N");

    public static AdminTable StatsTotals(AdminSnapshot s)
    {
        var t = new AdminTable(["database:s", .. SubsetColumns()]);
        foreach (var (db, totals) in s.StatsByDatabase())
            t.Add([db, .. TotalValues(totals)]);
        return t;
    }

    public static AdminTable StatsAverages(AdminSnapshot s, StatsAverages averages)
    {
        var t = new AdminTable(["database:s", .. SubsetColumns()]);
        foreach (var (db, totals) in s.StatsByDatabase())
            t.Add([db, .. AverageValues(averages.Of(db, totals))]);
        return t;
    }

    /// <summary>SHOW TOTALS: one name/value row per counter over every database, then the averages, as PgBouncer.</summary>
    public static AdminTable Totals(AdminSnapshot s, StatsAverages averages)
    {
        var t = new AdminTable("name:s", "value:N");
        var totals = SnapshotMerge.Totals(s);
        var values = TotalValues(totals).ToArray();
        for (var i = 0; i < s_totalsRows.Length; i++)
            t.Add("total_" + s_totalsRows[i], values[i]);
        // Averages over all traffic, in a window of their own (a key no database name can take).
        var average = AverageValues(averages.Of(AllDatabasesKey, totals)).ToArray();
        for (var i = 0; i < s_totalsRows.Length; i++)
            t.Add("avg_" + s_totalsRows[i], average[i]);
        return t;
    }

    private const string AllDatabasesKey = "\0all";

    // SHOW TOTALS row names after PgBouncer's counter fields (client_bytes, ps_bind_count...), not its SHOW STATS columns.
    private static readonly string[] s_totalsRows =
    [
        "server_assignment_count", "xact_count", "query_count", "client_bytes", "server_bytes", "xact_time",
        "query_time", "wait_time", "ps_client_parse_count", "ps_server_parse_count", "ps_bind_count",
    ];

    private static IEnumerable<object?> TotalValues(StatsTotals x) =>
    [
        x.ServerAssignmentCount, x.XactCount, x.QueryCount, x.Received, x.Sent, x.XactTimeUs, x.QueryTimeUs,
        x.WaitTimeUs, x.ClientParseCount, x.ServerParseCount, x.BindCount,
    ];

    private static IEnumerable<object?> AverageValues(StatsAverage a) =>
    [
        a.ServerAssignmentCount, a.XactCount, a.QueryCount, a.Received, a.Sent, a.XactTimeUs, a.QueryTimeUs,
        a.WaitTimeUs, a.ClientParseCount, a.ServerParseCount, a.BindCount,
    ];

    private static readonly string[] s_connectionColumns =
    [
        "type:s", "user:s", "database:s", "replication:s", "state:s", "addr:s", "port:i", "local_addr:s",
        "local_port:i", "connect_time:s", "request_time:s", "wait:i", "wait_us:i", "close_needed:i", "ptr:s", "link:s",
        "remote_pid:i", "tls:s", "application_name:s", "prepared_statements:i",
        // int8 where PgBouncer has int4: with workers the id carries the worker in its high 32 bits (ClientIds).
        "id:q",
    ];

    public static AdminTable Clients(AdminSnapshot s)
    {
        var t = new AdminTable(s_connectionColumns);
        foreach (var c in s.Clients)
        {
            t.Add("C", c.User, c.Database, "none", c.State, c.Addr, c.Port, c.LocalAddr, c.LocalPort, c.ConnectTime,
                c.RequestTime, c.WaitUs / 1_000_000, c.WaitUs % 1_000_000, 0, Ptr('C', c.Worker, c.Id),
                c.Link is { } l ? Ptr('S', c.Worker, l) : "", 0, c.TlsDescription is { Length: > 0 } tls ? tls : c.Tls ? "TLS" : "",
                c.ApplicationName, c.PreparedStatements, c.Id);
        }
        return t;
    }

    public static AdminTable Servers(AdminSnapshot s)
    {
        var t = new AdminTable(s_connectionColumns);
        foreach (var v in s.Servers)
        {
            t.Add("S", v.User, v.Database, "none", v.State, v.Addr, v.Port, v.LocalAddr, v.LocalPort, v.ConnectTime,
                v.RequestTime, 0, 0, v.CloseNeeded, Ptr('S', v.Worker, v.Id),
                v.Link is { } l ? Ptr('C', v.Worker, l) : "", v.RemotePid, v.Tls, v.ApplicationName, v.PreparedStatements, v.Id);
        }
        return t;
    }

    // PgBouncer shows object addresses; ours are stable names that also say which worker holds the object.
    // Stable names rather than memory addresses; the number is the worker-local one (the id column is global).
    private static string Ptr(char kind, int worker, long id) => $"{kind}-{worker}-{ClientIds.LocalOf(id)}";

    public static AdminTable Databases(AdminSnapshot s)
    {
        var t = new AdminTable("name:s", "host:s", "port:i", "database:s", "force_user:s", "pool_size:i",
            "min_pool_size:i", "reserve_pool_size:i", "server_lifetime:i", "pool_mode:s", "load_balance_hosts:s",
            "max_connections:i", "current_connections:i", "max_client_connections:i", "current_client_connections:i",
            "paused:i", "disabled:i");
        foreach (var d in s.Databases)
        {
            t.Add(d.Name, d.Host, d.Port, d.DbName, d.ForceUser, d.PoolSize, d.MinPoolSize, d.ReservePoolSize,
                d.ServerLifetimeSeconds, d.PoolMode, null, d.MaxConnections, d.CurrentConnections,
                d.MaxClientConnections, d.CurrentClientConnections, d.Paused, d.Disabled);
        }
        return t;
    }

    public static AdminTable Users(AdminSnapshot s)
    {
        // pool_size and reserve_pool_size are text in PgBouncer: the user's own setting, empty when it has none.
        var t = new AdminTable("name:s", "pool_size:s", "reserve_pool_size:s", "pool_mode:s", "max_user_connections:i",
            "current_connections:i", "max_user_client_connections:i", "current_client_connections:i");
        foreach (var u in s.Users)
        {
            t.Add(u.Name, u.PoolSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                u.ReservePoolSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", u.PoolMode, u.MaxUserConnections, u.CurrentConnections,
                u.MaxUserClientConnections, u.CurrentClientConnections);
        }
        return t;
    }

    public static AdminTable Lists(AdminSnapshot s)
    {
        var t = new AdminTable("list:s", "items:i");
        t.Add("databases", s.Databases.Count);
        t.Add("users", s.Users.Count);
        t.Add("peers", 0); // no peering: these rows are here so SHOW LISTS readers find every name
        t.Add("peer_pools", 0);
        t.Add("pools", s.Pools.Count);
        t.Add("free_clients", 0);
        t.Add("used_clients", s.Clients.Count);
        t.Add("login_clients", s.Clients.Count(c => c.State == "login"));
        t.Add("free_servers", 0);
        t.Add("used_servers", s.Servers.Count);
        t.Add("dns_names", 0);
        t.Add("dns_zones", 0);
        t.Add("dns_queries", 0);
        t.Add("dns_pending", 0);
        return t;
    }

    public static AdminTable Config(AdminSnapshot s)
    {
        var t = new AdminTable("key:s", "value:s", "default:s", "changeable:s");
        foreach (var c in s.Config)
            t.Add(c.Key, c.Value, c.Default, c.Changeable ? "yes" : "no");
        return t;
    }

    public static AdminTable Version(AdminSnapshot s)
    {
        var t = new AdminTable("version:s");
        t.Add($"Pooler {s.Version}");
        return t;
    }

    public static AdminTable State(AdminSnapshot s)
    {
        var t = new AdminTable("key:s", "value:s");
        t.Add("active", s.Paused || s.ShuttingDown ? "no" : "yes");
        t.Add("paused", s.Paused ? "yes" : "no");
        t.Add("suspended", "no");
        return t;
    }

    /// <summary>SHOW MEM's equivalent: the managed heap instead of PgBouncer's slab caches (same columns).</summary>
    public static AdminTable Mem()
    {
        var t = new AdminTable("name:s", "size:i", "used:i", "free:i", "memtotal:i");
        var info = GC.GetGCMemoryInfo();
        // int4 as PgBouncer declares it; a heap past 2 GiB shows as int.MaxValue rather than wrapping.
        static int Clamp(long bytes) => (int)Math.Min(bytes, int.MaxValue);
        t.Add("managed_heap", 1, 0, 0, Clamp(GC.GetTotalMemory(false)));
        t.Add("committed", 1, 0, 0, Clamp(info.TotalCommittedBytes));
        t.Add("fragmented", 1, 0, 0, Clamp(info.FragmentedBytes));
        return t;
    }

    public static AdminTable Workers(AdminSnapshot s)
    {
        var t = new AdminTable("id:i", "pid:i", "alive:i", "restarts:i", "clients:i", "servers:i", "accepted:i", "handed:i");
        foreach (var w in s.Workers)
            t.Add(w.Id, w.Pid, w.Alive, w.Restarts, w.Clients, w.Servers, w.Accepted, w.Handed);
        return t;
    }
}
