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

    // PgBouncer 1.25's columns, in order (doc/usage.md and the pgbouncer_exporter's expectations).
    public static TheoryData<string, string> Columns => new()
    {
        { "POOLS", "database,user,cl_active,cl_waiting,cl_active_cancel_req,cl_waiting_cancel_req,sv_active,sv_active_cancel,sv_being_canceled,sv_idle,sv_used,sv_tested,sv_login,maxwait,maxwait_us,pool_mode,load_balance_hosts" },
        { "STATS", "database,total_server_assignment_count,total_xact_count,total_query_count,total_received,total_sent,total_xact_time,total_query_time,total_wait_time,total_client_parse_count,total_server_parse_count,total_bind_count,avg_server_assignment_count,avg_xact_count,avg_query_count,avg_recv,avg_sent,avg_xact_time,avg_query_time,avg_wait_time,avg_client_parse_count,avg_server_parse_count,avg_bind_count" },
        { "STATS_TOTALS", "database,server_assignment_count,xact_count,query_count,bytes_received,bytes_sent,xact_time,query_time,wait_time,client_parse_count,server_parse_count,bind_count" },
        { "STATS_AVERAGES", "database,server_assignment_count,xact_count,query_count,bytes_received,bytes_sent,xact_time,query_time,wait_time,client_parse_count,server_parse_count,bind_count" },
        { "CLIENTS", "type,user,database,replication,state,addr,port,local_addr,local_port,connect_time,request_time,wait,wait_us,close_needed,ptr,link,remote_pid,tls,application_name,prepared_statements,id" },
        { "SERVERS", "type,user,database,replication,state,addr,port,local_addr,local_port,connect_time,request_time,wait,wait_us,close_needed,ptr,link,remote_pid,tls,application_name,prepared_statements,id" },
        { "DATABASES", "name,host,port,database,force_user,pool_size,min_pool_size,reserve_pool_size,server_lifetime,pool_mode,load_balance_hosts,max_connections,current_connections,max_client_connections,current_client_connections,paused,disabled" },
        { "USERS", "name,pool_size,reserve_pool_size,pool_mode,max_user_connections,current_connections,max_user_client_connections,current_client_connections" },
        { "LISTS", "list,items" },
        { "CONFIG", "key,value,default,changeable" },
        { "VERSION", "version" },
        { "STATE", "key,value" },
        { "MEM", "name,size,used,free,memtotal" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Columns))]
    public async Task Show_Subject_ColumnsAsPgBouncer125(string subject, string columns)
    {
        await using var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        await app.ScalarAsync("SELECT 1");
        await using var console = await ConsoleAsync(pooler);

        var result = await console.QueryAsync($"SHOW {subject};");

        Assert.Null(result.ErrorCode);
        Assert.Equal(columns.Split(','), result.ColumnNames);
        Assert.Equal("SHOW", result.Tag);
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
        Assert.All(stats.Columns.Skip(1), c => Assert.Equal(20u, c.TypeOid));
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
