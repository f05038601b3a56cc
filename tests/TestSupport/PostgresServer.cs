// A throwaway real PostgreSQL server for tests: initdb in a temp dir, a free port on 127.0.0.1, known roles.
using System.Diagnostics;
using Npgsql;

namespace Pooler.TestSupport;

/// <summary>Starts a private PostgreSQL cluster with a trust, an md5 and a scram-sha-256 login role and the
/// database <see cref="Database"/>. Dispose stops it and deletes its directory; a watchdog does the same if the
/// test host dies first.</summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    public const string SuperUser = "postgres";
    public const string TrustUser = "pooler_trust";
    public const string Md5User = "pooler_md5";
    public const string Md5Password = "md5-secret";
    public const string ScramUser = "pooler_scram";
    public const string ScramPassword = "scram-secret";
    public const string Database = "pooler_test";

    private readonly ServerAccount _account;
    private readonly PostgresWatchdog _watchdog;
    private readonly ServerLog _log;
    private Process? _postmaster;
    private int _disposed;

    private PostgresServer(ServerAccount account, string directory, PostgresWatchdog watchdog)
    {
        _account = account;
        SocketDir = directory;
        _watchdog = watchdog;
        _log = new ServerLog(System.IO.Path.Combine(directory, "postgres.log"));
    }

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>The Unix socket directory; it is also the server's private temp dir (data lives in ./data).</summary>
    public string SocketDir { get; }

    public string DataDir => System.IO.Path.Combine(SocketDir, "data");

    /// <summary>The server's log (its stderr), useful to read when a test fails.</summary>
    public string LogPath => _log.Path;

    public int MajorVersion { get; private set; }

    /// <summary>The postmaster's process id, or 0 when it is not running.</summary>
    public int ProcessId => _postmaster is { HasExited: false } p ? p.Id : 0;

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        _ = PgTools.BinDir; // Fail first, with the install hint, when PostgreSQL is missing.
        await StaleServerSweeper.SweepAsync(ct);
        var account = await ServerAccount.GetAsync(ct);
        var directory = CreateDirectory();
        var server = new PostgresServer(account, directory, PostgresWatchdog.Start(directory));
        try
        {
            await server.InitClusterAsync(ct);
            await server.StartOnFreePortAsync(ct);
            await server.CreateRolesAndDatabaseAsync(ct);
            MajorVersionFrom(await server.ScalarAsync("SHOW server_version_num"), server);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An Npgsql connection string over TCP with Npgsql's own pooling off, so tests see the server (or
    /// the pooler in front of it) exactly as their connections use it.</summary>
    public string ConnectionString(string user, string? password = null, string? database = null) =>
        ConnectionString(Host, Port, user, password, database);

    /// <summary>The same for any host and port, e.g. a pooler listening in front of this server.</summary>
    public static string ConnectionString(string host, int port, string user, string? password = null, string? database = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Username = user,
            Password = password,
            Database = database ?? Database,
            Pooling = false,
            IncludeErrorDetail = true,
        }.ConnectionString;

    /// <summary>Runs SQL as the superuser over the Unix socket, in <see cref="Database"/> unless told otherwise.</summary>
    public async Task ExecuteAsync(string sql, string? database = null)
    {
        await using var connection = await OpenSuperUserAsync(database ?? Database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql, string? database = null)
    {
        await using var connection = await OpenSuperUserAsync(database ?? Database);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>Stops the server (fast shutdown: sessions are terminated) and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopPostmasterAsync(CancellationToken.None);
        var outcome = await TryStartPostmasterAsync(Port, CancellationToken.None);
        if (outcome != PostmasterStartOutcome.Ready)
            throw new InvalidOperationException($"PostgreSQL did not restart on port {Port} ({outcome}). Log tail:\n{_log.Tail()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await StopPostmasterAsync(CancellationToken.None);
        }
        finally
        {
            _log.Dispose();
            DeleteDirectory();
            await _watchdog.ReleaseAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Test hook: behaves as if the test host died, leaving the cleanup to the watchdog alone. The task
    /// completes when the watchdog has finished.</summary>
    internal Task AbandonToWatchdogAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _log.Dispose();
        return _watchdog.ReleaseAsync();
    }

    private static void MajorVersionFrom(object? versionNum, PostgresServer server) =>
        server.MajorVersion = Convert.ToInt32(versionNum, System.Globalization.CultureInfo.InvariantCulture) / 10000;

    private async Task<NpgsqlConnection> OpenSuperUserAsync(string database)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = SocketDir,
            Port = Port,
            Username = SuperUser,
            Database = database,
            Pooling = false,
            IncludeErrorDetail = true,
        }.ConnectionString;
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
