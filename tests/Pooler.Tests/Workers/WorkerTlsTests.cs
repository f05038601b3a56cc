// Client TLS through the multi-process pooler (workers = 2): the supervisor answers nothing itself, the worker that
// gets the socket answers 'S' and does the handshake; psql verify-full, pgbench over TLS, cancel over TLS, SCRAM-PLUS.
using Npgsql;
using Pooler.Tests.Functional;
using Pooler.Tests.Auth;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Workers;

[Collection(PostgresCollection.Name)]
public sealed class WorkerTlsTests(PostgresFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    private PostgresServer Pg => fixture.Server;

    public void Dispose() => _certs.Dispose();

    /// <summary>workers = 2, client_tls_sslmode = require; hba: SCRAM for the SCRAM role, trust for everyone else.</summary>
    private async Task<(PoolerProcess Pooler, TempFile Hba, TempFile Users)> StartAsync(int poolSize = 10)
    {
        var (cert, key) = _certs.IssueServer("pooler-workers", "localhost", "127.0.0.1");
        var hba = TempFile.Write("pooler-hba", $"host all {PostgresServer.ScramUser} 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n");
        var users = TempFile.Write("pooler-userlist", $"\"{PostgresServer.ScramUser}\" \"{PostgresServer.ScramPassword}\"\n");
        var pooler = await PoolerProcess.StartAsync(Pg, workers: 2, poolSize: poolSize, authType: "hba", extra: $"""
            auth_hba_file = "{hba.Path}"
            auth_file = "{users.Path}"
            client_tls_sslmode = "require"
            client_tls_cert_file = "{cert}"
            client_tls_key_file = "{key}"
            """);
        return (pooler, hba, users);
    }

    private NpgsqlConnectionStringBuilder Builder(PoolerProcess pooler, string user = PostgresServer.TrustUser) =>
        new(pooler.ConnectionString(user)) { SslMode = SslMode.Require, GssEncryptionMode = GssEncryptionMode.Disable };

    [Fact(Timeout = 180_000)]
    public async Task Workers2_PsqlVerifyFull_ConnectsOverTls()
    {
        var (pooler, hba, users) = await StartAsync();
        await using var _ = pooler;
        using var __ = hba;
        using var ___ = users;

        var psql = await ProcessRunner.RunAsync(PgTools.Psql,
            ["-X", "-w", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", "SELECT current_database()",
                $"host=localhost hostaddr=127.0.0.1 port={pooler.Port} user={PostgresServer.TrustUser} dbname={PostgresServer.Database} " +
                $"gssencmode=disable sslmode=verify-full sslrootcert={_certs.CaFile}"],
            environment: new Dictionary<string, string?> { ["PGHOST"] = null, ["PGPORT"] = null, ["PGSSLMODE"] = null, ["LC_ALL"] = "C" });
        var plain = await ProcessRunner.RunAsync(PgTools.Psql,
            ["-X", "-w", "-A", "-t", "-c", "SELECT 1",
                $"host=127.0.0.1 port={pooler.Port} user={PostgresServer.TrustUser} dbname={PostgresServer.Database} gssencmode=disable sslmode=disable"],
            environment: new Dictionary<string, string?> { ["PGHOST"] = null, ["PGPORT"] = null, ["PGSSLMODE"] = null, ["LC_ALL"] = "C" });

        Assert.True(psql.ExitCode == 0, psql.StdErr + "\n" + pooler.Log);
        Assert.Equal(PostgresServer.Database, psql.StdOut.Trim());
        Assert.NotEqual(0, plain.ExitCode);
        Assert.Contains("SSL required", plain.StdErr);
    }

    [Fact(Timeout = 300_000)]
    public async Task Workers2_PgBenchSslRequire50Clients_NoFailures()
    {
        await PgBenchTables.EnsureAsync(Pg);
        var (pooler, hba, users) = await StartAsync(poolSize: 10);
        await using var _ = pooler;
        using var __ = hba;
        using var ___ = users;

        var result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser,
            $"dbname={PostgresServer.Database} sslmode=require", ["-c", "50", "-j", "2", "-t", "40", "-S"]);

        output.WriteLine($"pgbench -S over TLS, workers = 2: {result.Processed}/{result.Expected}, {result.Failed} failed, {result.Tps:F0} tps");
        Assert.True(result.Process.Succeeded, result.Process.StdErr + "\n" + pooler.Log);
        Assert.True(result.Complete, result.Process.StdOut);
        Assert.Equal(2000, result.Processed);
        Assert.Equal(0, result.Failed);
        // Every session ran over TLS: client_tls_sslmode = require refuses plain logins ("SSL required").
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_CancelOverTls_ReachesTheOwningWorker()
    {
        var (pooler, hba, users) = await StartAsync(poolSize: 30);
        await using var _ = pooler;
        using var __ = hba;
        using var ___ = users;
        var clients = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 16 && clients.Select(c => c.ProcessID & 0xFF).Distinct().Count() < 2; i++)
            {
                var c = new NpgsqlConnection(Builder(pooler).ConnectionString);
                await c.OpenAsync();
                clients.Add(c);
            }
            var byWorker = clients.GroupBy(c => c.ProcessID & 0xFF).ToDictionary(g => g.Key, g => g.First());
            Assert.Equal([0, 1], byWorker.Keys.Order());
            foreach (var (worker, client) in byWorker)
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_sleep(30)", client);
                var running = cmd.ExecuteScalarAsync();
                await Task.Delay(300); // let the query reach the server; the cancel is only forwarded while it runs
                // Npgsql sends its CancelRequest over TLS, as the session was: the supervisor cannot read the key.
                await Task.Run(cmd.Cancel);
                var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(async () => await running.WaitAsync(TimeSpan.FromSeconds(20)));
                var ex = Assert.IsType<PostgresException>(cancelled.InnerException);
                Assert.Equal("57014", ex.SqlState);
                output.WriteLine($"worker {worker}: cancelled over TLS ({ex.MessageText})");
            }
        }
        finally
        {
            foreach (var c in clients)
                await c.DisposeAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Workers2_ScramOverTls_ScramPlusNegotiated()
    {
        var (pooler, hba, users) = await StartAsync();
        await using var _ = pooler;
        using var __ = hba;
        using var ___ = users;
        var b = Builder(pooler, PostgresServer.ScramUser);
        b.Password = PostgresServer.ScramPassword;
        b.ChannelBinding = ChannelBinding.Require;

        // Several logins, so both workers (the supervisor picks one per SSLRequest) do SCRAM-PLUS.
        var workers = new HashSet<int>();
        for (var i = 0; i < 6; i++)
        {
            await using var c = new NpgsqlConnection(b.ConnectionString);
            // Npgsql with ChannelBinding=Require fails the login unless SCRAM-SHA-256-PLUS was offered and completed.
            await c.OpenAsync();
            Assert.Equal(PostgresServer.ScramUser, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
            workers.Add(c.ProcessID & 0xFF);
        }
        output.WriteLine($"SCRAM-SHA-256-PLUS logins served by workers {string.Join(", ", workers.Order())}");
    }
}
