// The PgBouncer-compatible admin console against a real PostgreSQL: 1.25 column lists, counters, steering, access.
using Npgsql;
using Pooler.Tests.Admin;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AdminConsoleTests(PostgresFixture fixture)
{
    private const string Admin = PostgresServer.TrustUser;
    private const string StatsOnly = "stats_reader";

    private Task<PoolerHarness> StartAsync() => PoolerHarness.StartAsync(fixture.Server,
        o => o with { AdminUsers = [Admin], StatsUsers = [StatsOnly] });

    private static async Task<AdminClient> ConsoleAsync(PoolerHarness pooler, string user = Admin, string database = "pgbouncer")
    {
        var (client, error) = await AdminClient.ConnectAsync(pooler.TcpEndPoint, user, database);
        Assert.Null(error);
        return client;
    }

    // PgBouncer 1.25's columns, in order, with their types in its own notation (src/admin.c and src/stats.c
    // RowDescription formats: s text, i int4, q int8, N numeric; its T timestamps go out as text). One deviation:
    // SHOW CLIENTS/SERVERS id is int8 here (the worker id rides in its high 32 bits).
    public static TheoryData<string, string> Columns => new()
    {
        { "POOLS", "database:s,user:s,cl_active:i,cl_waiting:i,cl_active_cancel_req:i,cl_waiting_cancel_req:i,sv_active:i,sv_active_cancel:i,sv_being_canceled:i,sv_idle:i,sv_used:i,sv_tested:i,sv_login:i,maxwait:i,maxwait_us:i,pool_mode:s,load_balance_hosts:s" },
        { "STATS", "database:s,total_server_assignment_count:N,total_xact_count:N,total_query_count:N,total_received:N,total_sent:N,total_xact_time:N,total_query_time:N,total_wait_time:N,total_client_parse_count:N,total_server_parse_count:N,total_bind_count:N,avg_server_assignment_count:N,avg_xact_count:N,avg_query_count:N,avg_recv:N,avg_sent:N,avg_xact_time:N,avg_query_time:N,avg_wait_time:N,avg_client_parse_count:N,avg_server_parse_count:N,avg_bind_count:N" },
        { "STATS_TOTALS", "database:s,server_assignment_count:N,xact_count:N,query_count:N,bytes_received:N,bytes_sent:N,xact_time:N,query_time:N,wait_time:N,client_parse_count:N,server_parse_count:N,bind_count:N" },
        { "STATS_AVERAGES", "database:s,server_assignment_count:N,xact_count:N,query_count:N,bytes_received:N,bytes_sent:N,xact_time:N,query_time:N,wait_time:N,client_parse_count:N,server_parse_count:N,bind_count:N" },
        { "TOTALS", "name:s,value:N" },
        { "CLIENTS", "type:s,user:s,database:s,replication:s,state:s,addr:s,port:i,local_addr:s,local_port:i,connect_time:s,request_time:s,wait:i,wait_us:i,close_needed:i,ptr:s,link:s,remote_pid:i,tls:s,application_name:s,prepared_statements:i,id:q" },
        { "SERVERS", "type:s,user:s,database:s,replication:s,state:s,addr:s,port:i,local_addr:s,local_port:i,connect_time:s,request_time:s,wait:i,wait_us:i,close_needed:i,ptr:s,link:s,remote_pid:i,tls:s,application_name:s,prepared_statements:i,id:q" },
        { "DATABASES", "name:s,host:s,port:i,database:s,force_user:s,pool_size:i,min_pool_size:i,reserve_pool_size:i,server_lifetime:i,pool_mode:s,load_balance_hosts:s,max_connections:i,current_connections:i,max_client_connections:i,current_client_connections:i,paused:i,disabled:i" },
        { "USERS", "name:s,pool_size:s,reserve_pool_size:s,pool_mode:s,max_user_connections:i,current_connections:i,max_user_client_connections:i,current_client_connections:i" },
        { "LISTS", "list:s,items:i" },
        { "CONFIG", "key:s,value:s,default:s,changeable:s" },
        { "VERSION", "version:s" },
        { "STATE", "key:s,value:s" },
        { "MEM", "name:s,size:i,used:i,free:i,memtotal:i" },
    };

    private static uint Oid(string type) => type switch
    {
        "i" => 23u,
        "q" => 20u,
        "N" => 1700u,
        _ => 25u,
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Columns))]
    public async Task Show_Subject_ColumnsAndTypesAsPgBouncer125(string subject, string columns)
    {
        await using var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        await app.ScalarAsync("SELECT 1");
        await using var console = await ConsoleAsync(pooler);

        var result = await console.QueryAsync($"SHOW {subject};");

        Assert.Null(result.ErrorCode);
        var expected = columns.Split(',').Select(c => c.Split(':')).ToList();
        Assert.Equal(expected.Select(c => c[0]), result.ColumnNames);
        Assert.Equal(expected.Select(c => $"{c[0]}:{Oid(c[1])}"), result.Columns.Select(c => $"{c.Name}:{c.TypeOid}"));
        Assert.Equal("SHOW", result.Tag);
    }

    [Fact(Timeout = 60_000)]
    public async Task ShowTotalsAndLists_RowNamesAsPgBouncer125()
    {
        await using var pooler = await StartAsync();
        await using var console = await ConsoleAsync(pooler);

        var totals = await console.QueryAsync("SHOW TOTALS");
        var lists = await console.QueryAsync("SHOW LISTS");

        string[] counters = ["server_assignment_count", "xact_count", "query_count", "client_bytes", "server_bytes", "xact_time",
            "query_time", "wait_time", "ps_client_parse_count", "ps_server_parse_count", "ps_bind_count"];
        Assert.Equal(counters.Select(c => "total_" + c).Concat(counters.Select(c => "avg_" + c)), totals.Records.Select(r => r["name"]));
        Assert.Equal(["databases", "users", "peers", "peer_pools", "pools", "free_clients", "used_clients", "login_clients",
            "free_servers", "used_servers", "dns_names", "dns_zones", "dns_queries", "dns_pending"], lists.Records.Select(r => r["list"]));
    }

    [Fact(Timeout = 60_000)]
    public async Task ShowPools_AfterOneQuery_CountsAndTypesAsPgBouncer()
    {
        await using var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        await app.ScalarAsync("SELECT 1");
        await using var console = await ConsoleAsync(pooler, database: "pooler");

        var pools = await console.QueryAsync("show pools");

        var row = Assert.Single(pools.Records, r => r["database"] == PostgresServer.Database);
        Assert.Equal(Admin, row["user"]);
        Assert.Equal("1", row["cl_active"]);
        Assert.Equal("1", row["sv_idle"]);
        Assert.Equal("transaction", row["pool_mode"]);
        Assert.Null(row["load_balance_hosts"]);
        Assert.Equal(23u, pools.Columns.Single(c => c.Name == "cl_active").TypeOid);
        Assert.Equal(25u, pools.Columns.Single(c => c.Name == "pool_mode").TypeOid);
        var stats = await console.QueryAsync("SHOW STATS");
        Assert.All(stats.Columns.Skip(1), c => Assert.Equal(1700u, c.TypeOid));
    }

    [Fact(Timeout = 60_000)]
    public async Task ShowClientsServers_AfterExplicitPrepare_CountPreparedStatements()
    {
        await using var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        await using (var cmd = new NpgsqlCommand("SELECT $1::int + 1", app))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = 41 });
            await cmd.PrepareAsync();
            Assert.Equal(42, await cmd.ExecuteScalarAsync());
        }
        await using var console = await ConsoleAsync(pooler);

        var clients = await console.QueryAsync("SHOW CLIENTS");
        var servers = await console.QueryAsync("SHOW SERVERS");

        var client = Assert.Single(clients.Records, r => r["database"] == PostgresServer.Database);
        Assert.Equal("1", client["prepared_statements"]);
        var server = Assert.Single(servers.Records, r => r["database"] == PostgresServer.Database);
        Assert.Equal("1", server["prepared_statements"]);
    }

    [Fact(Timeout = 120_000)]
    public async Task ShowStats_AfterPgBenchTransactions_XactCountGrowsByN()
    {
        await using var pooler = await StartAsync();
        await using var console = await ConsoleAsync(pooler);
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, "SELECT 1;\n");
        try
        {
            var before = await TotalsAsync(console);
            var run = await PgBench.RunAsync("127.0.0.1", pooler.Port, Admin, PostgresServer.Database,
                ["-c", "4", "-j", "2", "-t", "50", "-f", script]);
            Assert.True(run.Complete, run.Process.StdOut + run.Process.StdErr);
            var after = await TotalsAsync(console);

            Assert.Equal(200, after.Xacts - before.Xacts);
            Assert.Equal(200, after.Queries - before.Queries);
            Assert.True(after.Received > before.Received);
            Assert.True(after.Sent > before.Sent);
            Assert.True(after.QueryTime > before.QueryTime);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<(long Xacts, long Queries, long Received, long Sent, long QueryTime)> TotalsAsync(AdminClient console)
    {
        var stats = await console.QueryAsync("SHOW STATS");
        var row = stats.Records.FirstOrDefault(r => r["database"] == PostgresServer.Database);
        if (row is null)
            return default;
        return (long.Parse(row["total_xact_count"]!), long.Parse(row["total_query_count"]!), long.Parse(row["total_received"]!),
            long.Parse(row["total_sent"]!), long.Parse(row["total_query_time"]!));
    }

    [Fact(Timeout = 60_000)]
    public async Task Pause_NewQueryWaitsUntilResume()
    {
        await using var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        Assert.Equal(1, await app.ScalarAsync("SELECT 1"));
        await using var console = await ConsoleAsync(pooler);

        var paused = await console.QueryAsync($"PAUSE {PostgresServer.Database}");
        Assert.Null(paused.ErrorCode);
        Assert.Equal("PAUSE", paused.Tag);
        var query = app.ScalarAsync("SELECT 2");
        await WaitForAsync(async () => (await PoolAsync(console))["cl_waiting"] == "1");
        Assert.False(query.IsCompleted);
        var pool = await PoolAsync(console);
        Assert.Equal("0", pool["sv_idle"]);
        Assert.Equal("0", pool["sv_active"]);
        var db = (await console.QueryAsync("SHOW DATABASES")).Records.Single(r => r["name"] == PostgresServer.Database);
        Assert.Equal("1", db["paused"]);

        Assert.Null((await console.QueryAsync($"RESUME {PostgresServer.Database}")).ErrorCode);

        Assert.Equal(2, await query);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("admin: Pause", StringComparison.Ordinal) && l.Contains(Admin, StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Kill_Database_DropsItsClientsUntilResume()
    {
        await using var pooler = await StartAsync();
        await using var a = await pooler.OpenAsync();
        await using var b = await pooler.OpenAsync();
        await a.ExecAsync("BEGIN");
        await a.ScalarAsync("SELECT 1");
        await b.ScalarAsync("SELECT 1");
        await using var console = await ConsoleAsync(pooler);

        Assert.Null((await console.QueryAsync($"KILL {PostgresServer.Database}")).ErrorCode);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => a.ScalarAsync("SELECT 1"));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => b.ScalarAsync("SELECT 1"));
        await WaitForAsync(async () => (await console.QueryAsync("SHOW CLIENTS")).Records.All(r => r["database"] != PostgresServer.Database));
        var pool = await PoolAsync(console);
        Assert.Equal("0", pool["sv_active"]);
        Assert.Equal("0", pool["sv_idle"]);
        Assert.Null((await console.QueryAsync("RESUME")).ErrorCode);
        await using var c = await pooler.OpenAsync();
        Assert.Equal(1, await c.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task KillClient_ById_EndsOnlyThatClient()
    {
        await using var pooler = await StartAsync();
        await using var a = await pooler.OpenAsync(applicationName: "victim");
        await using var b = await pooler.OpenAsync(applicationName: "bystander");
        await using var console = await ConsoleAsync(pooler);
        var victim = (await console.QueryAsync("SHOW CLIENTS")).Records.Single(r => r["application_name"] == "victim");

        Assert.Null((await console.QueryAsync($"KILL_CLIENT {victim["id"]}")).ErrorCode);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => a.ScalarAsync("SELECT 1"));
        Assert.Equal(1, await b.ScalarAsync("SELECT 1"));
        Assert.Equal("42601", (await console.QueryAsync("KILL_CLIENT x")).ErrorCode);
        Assert.Equal("3D000", (await console.QueryAsync("KILL_CLIENT 999999")).ErrorCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Disable_NewClientsRefusedUntilEnable()
    {
        await using var pooler = await StartAsync();
        await using var console = await ConsoleAsync(pooler);

        Assert.Null((await console.QueryAsync($"DISABLE {PostgresServer.Database}")).ErrorCode);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync());
        Assert.Equal("57P03", refused.SqlState);
        Assert.Null((await console.QueryAsync($"ENABLE {PostgresServer.Database}")).ErrorCode);
        await using var app = await pooler.OpenAsync();
        Assert.Equal(1, await app.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Login_UserNotAdminNorStats_RefusedWith28000()
    {
        await using var pooler = await StartAsync();

        var (client, error) = await AdminClient.ConnectAsync(pooler.TcpEndPoint, "somebody_else");
        await client.DisposeAsync();

        Assert.Equal("28000", error);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("admin console refused for", StringComparison.Ordinal) && l.Contains("somebody_else", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task StatsUser_ShowAllowed_CommandsRefused()
    {
        await using var pooler = await StartAsync();
        await using var console = await ConsoleAsync(pooler, StatsOnly);

        Assert.Null((await console.QueryAsync("SHOW POOLS")).ErrorCode);
        Assert.Equal("28000", (await console.QueryAsync("PAUSE")).ErrorCode);
        Assert.Equal("28000", (await console.QueryAsync("SHUTDOWN")).ErrorCode);
        Assert.Equal("0", (await console.QueryAsync("SHOW DATABASES")).Value(0, "paused"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Statements_UnknownOrUnsupported_ErrorsAndSessionGoesOn()
    {
        await using var pooler = await StartAsync();
        await using var console = await ConsoleAsync(pooler);

        Assert.Equal("42601", (await console.QueryAsync("SHOW NOTHING")).ErrorCode);
        Assert.Equal("42601", (await console.QueryAsync("SELECT 1")).ErrorCode);
        Assert.Equal("0A000", (await console.QueryAsync("SUSPEND")).ErrorCode);
        Assert.Equal("3D000", (await console.QueryAsync("PAUSE no_such_db")).ErrorCode);
        Assert.Null((await console.QueryAsync("SHOW VERSION")).ErrorCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Set_DefaultPoolSize_AppliedLiveAndShownInConfig()
    {
        await using var pooler = await StartAsync();
        await using var console = await ConsoleAsync(pooler);

        Assert.Null((await console.QueryAsync("SET default_pool_size = 7")).ErrorCode);
        Assert.Equal("0A000", (await console.QueryAsync("SET listen_port = 1")).ErrorCode);

        var config = (await console.QueryAsync("SHOW CONFIG")).Records.Single(r => r["key"] == "default_pool_size");
        Assert.Equal("7", config["value"]);
        Assert.Equal("20", config["default"]);
        var db = (await console.QueryAsync("SHOW DATABASES")).Records.Single(r => r["name"] == PostgresServer.Database);
        Assert.Equal("7", db["pool_size"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitClose_AfterReconnect_ReturnsOnceBusyServerReleased()
    {
        await using var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        await app.ExecAsync("BEGIN");
        await app.ScalarAsync("SELECT 1");
        await using var console = await ConsoleAsync(pooler);

        Assert.Null((await console.QueryAsync("RECONNECT")).ErrorCode);
        var server = Assert.Single((await console.QueryAsync("SHOW SERVERS")).Records);
        Assert.Equal("1", server["close_needed"]);
        await using var second = await ConsoleAsync(pooler);
        var waiting = second.QueryAsync("WAIT_CLOSE");
        await app.ExecAsync("COMMIT");

        Assert.Null((await waiting).ErrorCode);
        Assert.DoesNotContain((await console.QueryAsync("SHOW SERVERS")).Records, r => r["id"] == server["id"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Reload_ChangedPoolSizeInFile_AppliedAndShown()
    {
        await using var pooler = await StartAsync();
        using var dir = new Pooler.Tests.Cli.TempDir();
        string Toml(int size) => $"""
            [pooler]
            listen_addr = "127.0.0.1"
            listen_port = {pooler.Port}
            unix_socket_dir = "{pooler.SocketDir}"
            workers = 0
            auth_type = "trust"
            pool_mode = "transaction"
            default_pool_size = {size}
            admin_users = ["{Admin}"]
            [databases.{PostgresServer.Database}]
            host = "{fixture.Server.Host}"
            port = {fixture.Server.Port}
            """;
        var path = dir.Write("pooler.toml", Toml(2));
        // The harness starts from code; the first reload ties the pooler to the file that RELOAD re-reads.
        Assert.True((await pooler.Instance.ReloadAsync(path)).IsApplied);
        await using var console = await ConsoleAsync(pooler);
        File.WriteAllText(path, Toml(4));

        var reload = await console.QueryAsync("RELOAD");

        Assert.Null(reload.ErrorCode);
        Assert.Equal("RELOAD", reload.Tag);
        var db = (await console.QueryAsync("SHOW DATABASES")).Records.Single(r => r["name"] == PostgresServer.Database);
        Assert.Equal("4", db["pool_size"]);
        File.WriteAllText(path, "[pooler]\ndefault_pool_size = \"many\"\n");
        Assert.Equal("XX000", (await console.QueryAsync("RELOAD")).ErrorCode);
    }

    private static async Task<Dictionary<string, string?>> PoolAsync(AdminClient console) =>
        (await console.QueryAsync("SHOW POOLS")).Records.Single(r => r["database"] == PostgresServer.Database);

    private static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not reached in time");
            await Task.Delay(50);
        }
    }
}
