// Server-side TLS: the pooler speaks TLS to a PostgreSQL with ssl = on (verify-full checks the CA and the host
// name), SCRAM-SHA-256-PLUS on both sides, and require refuses a server without TLS. Once per event backend.
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.Tests.Tls;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

public abstract class TlsServerTests(TlsPostgresFixture fixture)
{
    private const string SslQuery = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

    protected abstract EventBackendKind Backend { get; }

    private PostgresServer Pg => fixture.Server;

    private TestCertificates Certs => fixture.Certificates;

    private Task<PoolerHarness> StartAsync(TlsMode mode, string? caFile, Func<PoolerOptions, PoolerOptions>? tune = null,
        params DatabaseOptions[] databases) =>
        PoolerHarness.StartAsync(Pg, o =>
        {
            o = o with { EvBackend = Backend, ServerTlsSslMode = mode, ServerTlsCaFile = caFile };
            return tune?.Invoke(o) ?? o;
        }, databases);

    [Fact]
    public async Task VerifyFull_RightCaAndHost_ServerSessionIsTls()
    {
        await using var pooler = await StartAsync(TlsMode.VerifyFull, Certs.CaFile);

        await using var c = await pooler.OpenAsync();

        Assert.Equal(true, await new NpgsqlCommand(SslQuery, c).ExecuteScalarAsync());
        Assert.Contains(pooler.Log.Lines, l => l.Contains("logged in to") && l.Contains("over TLSv1.3/"));
    }

    [Fact]
    public async Task Prefer_ServerWithSsl_UsesTls()
    {
        await using var pooler = await StartAsync(TlsMode.Prefer, null);

        await using var c = await pooler.OpenAsync();

        Assert.Equal(true, await new NpgsqlCommand(SslQuery, c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task VerifyCa_ServerCertificateFromOtherCa_Refused()
    {
        using var other = Certs.CreateOtherCa("unrelated-ca");
        await using var pooler = await StartAsync(TlsMode.VerifyCa, other.CaFile,
            o => o with { QueryWaitTimeout = TimeSpan.FromSeconds(3) });

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync());

        Assert.Equal("08006", error.SqlState);
        Assert.Contains("TLS handshake with server", error.MessageText);
    }

    [Fact]
    public async Task VerifyFull_HostNameNotInCertificate_RefusedWhileVerifyCaAccepts()
    {
        // The server's certificate names 127.0.0.1 and pg.test; "localhost" reaches the same server under another name.
        var entry = new DatabaseOptions { Name = "other_ip", Host = "localhost", Port = Pg.Port, DbName = PostgresServer.Database };
        await using var pooler = await StartAsync(TlsMode.VerifyFull, Certs.CaFile,
            o => o with { QueryWaitTimeout = TimeSpan.FromSeconds(3) }, entry);
        var verifyCa = await StartAsync(TlsMode.VerifyCa, Certs.CaFile, null, entry);
        await using var _ = verifyCa;

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "other_ip"));
        await using var c = await verifyCa.OpenAsync(database: "other_ip");

        Assert.Equal("08006", error.SqlState);
        Assert.Contains("TLS handshake with server", error.MessageText);
        // verify-ca does not check the name: the same server is accepted.
        Assert.Equal(true, await new NpgsqlCommand(SslQuery, c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Require_ServerWithoutTls_Refused()
    {
        await using var plain = new PlainOnlyServer();
        var entry = new DatabaseOptions { Name = "plain", Host = "127.0.0.1", Port = plain.Port, DbName = PostgresServer.Database };
        await using var pooler = await StartAsync(TlsMode.Require, null, o => o with { QueryWaitTimeout = TimeSpan.FromSeconds(3) }, entry);

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "plain"));

        Assert.Equal("08006", error.SqlState);
        Assert.Contains("does not support TLS", error.MessageText);
        Assert.True(plain.SslRequests >= 1);
    }

    [Fact]
    public async Task ScramPlus_BothSides_NegotiatedAndServerSessionIsTls()
    {
        var (cert, key) = Certs.IssueServer("pooler-" + Backend, "localhost", "127.0.0.1");
        using var userList = TempFile.Write("pooler-userlist", $"\"{PostgresServer.ScramUser}\" \"{PostgresServer.ScramPassword}\"\n");
        await using var pooler = await StartAsync(TlsMode.VerifyFull, Certs.CaFile, o => o with
        {
            AuthType = AuthType.ScramSha256,
            AuthFile = userList.Path,
            ClientTlsSslMode = TlsMode.Require,
            ClientTlsCertFile = cert,
            ClientTlsKeyFile = key,
        });
        var b = new NpgsqlConnectionStringBuilder(pooler.ConnectionString(PostgresServer.ScramUser))
        {
            Password = PostgresServer.ScramPassword,
            SslMode = SslMode.Require,
            ChannelBinding = ChannelBinding.Require,
            GssEncryptionMode = GssEncryptionMode.Disable,
        };

        await using var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();

        Assert.Equal(true, await new NpgsqlCommand(SslQuery, c).ExecuteScalarAsync());
        Assert.Equal(PostgresServer.ScramUser, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
        Assert.Contains(pooler.Log.Lines, l => l.Contains("logged in to") && l.Contains("(SCRAM-SHA-256-PLUS)"));
        Assert.True(await pooler.Instance.Engine.Invoke(() =>
            pooler.Instance.Runtime.Sessions.Any(s => s.SaslMechanism == "SCRAM-SHA-256-PLUS")));
    }

    [Fact]
    public async Task ShowClientsAndServers_TlsColumn_ProtocolAndCipher()
    {
        var (cert, key) = Certs.IssueServer("pooler-show-" + Backend, "localhost", "127.0.0.1");
        await using var pooler = await StartAsync(TlsMode.VerifyFull, Certs.CaFile, o => o with
        {
            AdminUsers = [PostgresServer.TrustUser],
            ClientTlsSslMode = TlsMode.Require,
            ClientTlsCertFile = cert,
            ClientTlsKeyFile = key,
        });
        var b = new NpgsqlConnectionStringBuilder(pooler.ConnectionString()) { SslMode = SslMode.Require, GssEncryptionMode = GssEncryptionMode.Disable };
        await using var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();
        await new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync();

        var show = await ProcessRunner.RunAsync(PgTools.Psql,
            ["-X", "-w", "-A", "-t", "-c", "SHOW CLIENTS", "-c", "SHOW SERVERS",
                $"host=127.0.0.1 port={pooler.Port} user={PostgresServer.TrustUser} dbname=pgbouncer sslmode=require gssencmode=disable"],
            environment: new Dictionary<string, string?> { ["PGHOST"] = null, ["PGPORT"] = null, ["LC_ALL"] = "C" });

        Assert.True(show.Succeeded, show.StdErr);
        var rows = show.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(rows, r => r.StartsWith("C|", StringComparison.Ordinal) && r.Contains("|TLSv1.3/TLS_"));
        Assert.Contains(rows, r => r.StartsWith("S|", StringComparison.Ordinal) && r.Contains("|TLSv1.3/TLS_"));
    }
}
