// Starts the pooler in-process (workers = 0) in front of the fixture's PostgreSQL on a free port.
using System.Net;
using Npgsql;
using Pooler.Config;
using Pooler.Hosting;
using Pooler.TestSupport;
using Serilog;

namespace Pooler.Tests.Functional;

internal sealed class PoolerHarness : IAsyncDisposable
{
    private PoolerHarness(PoolerInstance instance, PoolerConfig config, CollectingSink sink, string socketDir)
    {
        Instance = instance;
        Config = config;
        Log = sink;
        SocketDir = socketDir;
    }

    public PoolerInstance Instance { get; }

    public PoolerConfig Config { get; }

    public CollectingSink Log { get; }

    public string SocketDir { get; }

    public int Port => Config.Pooler.ListenPort;

    /// <summary>
    /// Start a pooler whose [databases] has the fixture's test database (plus <paramref name="extraDatabases"/>) with
    /// transaction mode and pool_size 5 unless <paramref name="tune"/> says otherwise.
    /// </summary>
    public static async Task<PoolerHarness> StartAsync(PostgresServer pg, Func<PoolerOptions, PoolerOptions>? tune = null,
        params DatabaseOptions[] extraDatabases)
    {
        var socketDir = Directory.CreateTempSubdirectory("pooler-sock-").FullName;
        var options = new PoolerOptions
        {
            ListenAddr = ["127.0.0.1"],
            ListenPort = FreePort.Next(),
            UnixSocketDir = socketDir,
            Workers = 0,
            PoolMode = PoolMode.Transaction,
            DefaultPoolSize = 5,
            MaxClientConn = 1000,
            ServerLoginRetry = TimeSpan.FromMilliseconds(500),
            QueryWaitTimeout = TimeSpan.FromSeconds(30),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            AuthType = AuthType.Trust,
            LogConnections = false,
            LogDisconnections = false,
        };
        options = tune?.Invoke(options) ?? options;
        var databases = new Dictionary<string, DatabaseOptions>(StringComparer.Ordinal)
        {
            [PostgresServer.Database] = new DatabaseOptions { Name = PostgresServer.Database, Host = pg.Host, Port = pg.Port },
        };
        foreach (var db in extraDatabases)
            databases[db.Name] = db;
        var config = new PoolerConfig { Pooler = options, Databases = databases };
        var sink = new CollectingSink();
        if (Environment.GetEnvironmentVariable("POOLER_TEST_LOGS") is { Length: > 0 } logDir)
        {
            Directory.CreateDirectory(logDir);
            sink.LiveFile = Path.Combine(logDir, $"pooler-{options.ListenPort}.live.log");
        }
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        var instance = await PoolerHost.StartAsync(config, logger);
        return new PoolerHarness(instance, config, sink, socketDir);
    }

    /// <summary>An Npgsql connection string to the pooler (Npgsql's own pooling off, so each Open is a new client).</summary>
    public string ConnectionString(string user = PostgresServer.TrustUser, string? database = null, string? applicationName = null)
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString("127.0.0.1", Port, user, null, database ?? PostgresServer.Database))
        {
            Pooling = false,
            Timeout = 15,
            CommandTimeout = 60,
        };
        if (applicationName is not null)
            b.ApplicationName = applicationName;
        return b.ConnectionString;
    }

    public async Task<NpgsqlConnection> OpenAsync(string user = PostgresServer.TrustUser, string? database = null, string? applicationName = null)
    {
        var c = new NpgsqlConnection(ConnectionString(user, database, applicationName));
        await c.OpenAsync();
        return c;
    }

    public EndPoint TcpEndPoint => new IPEndPoint(IPAddress.Loopback, Port);

    public async ValueTask DisposeAsync()
    {
        await Instance.StopAsync();
        // The pooler's log of this test, for post-mortems: POOLER_TEST_LOGS=dir keeps one file per harness.
        if (Environment.GetEnvironmentVariable("POOLER_TEST_LOGS") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllLinesAsync(Path.Combine(dir, $"pooler-{Port}.log"), Log.Lines);
        }
        try
        {
            Directory.Delete(SocketDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; /tmp is cleaned anyway.
        }
    }
}
