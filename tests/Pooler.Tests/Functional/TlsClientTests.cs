// Client-side TLS through the pooler with Npgsql and psql: sslmode require / verify-ca / verify-full, plain refused
// under require, cert authentication, SCRAM-SHA-256-PLUS and direct TLS. Run once per event backend (subclasses).
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

public abstract class TlsClientTests(PostgresFixture fixture) : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    protected abstract EventBackendKind Backend { get; }

    private PostgresServer Pg => fixture.Server;

    public void Dispose() => _certs.Dispose();

    private Task<PoolerHarness> StartAsync(TlsMode mode, bool withCa = false, Func<PoolerOptions, PoolerOptions>? tune = null)
    {
        var (cert, key) = _certs.IssueServer("pooler", "localhost", "127.0.0.1");
        return PoolerHarness.StartAsync(Pg, o =>
        {
            o = o with
            {
                EvBackend = Backend,
                ClientTlsSslMode = mode,
                ClientTlsCertFile = cert,
                ClientTlsKeyFile = key,
                ClientTlsCaFile = withCa ? _certs.CaFile : null,
            };
            return tune?.Invoke(o) ?? o;
        });
    }

    private static NpgsqlConnectionStringBuilder Builder(PoolerHarness pooler, SslMode mode, string user = PostgresServer.TrustUser) =>
        new(pooler.ConnectionString(user)) { SslMode = mode, GssEncryptionMode = GssEncryptionMode.Disable };

    private Task<ProcessResult> PsqlAsync(PoolerHarness pooler, string sslOptions, string user = PostgresServer.TrustUser) =>
        ProcessRunner.RunAsync(PgTools.Psql,
            ["-X", "-w", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", "SELECT 'ok'",
                $"host=localhost hostaddr=127.0.0.1 port={pooler.Port} user={user} dbname={PostgresServer.Database} gssencmode=disable {sslOptions}"],
            environment: new Dictionary<string, string?> { ["PGHOST"] = null, ["PGPORT"] = null, ["PGSSLMODE"] = null, ["LC_ALL"] = "C" });

    [Fact]
    public async Task Npgsql_SslModeRequire_SessionRunsOverTls()
    {
        await using var pooler = await StartAsync(TlsMode.Require);

        await using var c = new NpgsqlConnection(Builder(pooler, SslMode.Require).ConnectionString);
        await c.OpenAsync();

        Assert.Equal(2, await new NpgsqlCommand("SELECT 1 + 1", c).ExecuteScalarAsync());
        Assert.Contains(pooler.Log.Lines, l => l.Contains("TLS: TLSv1.3/"));
    }

    /// <summary>
    /// Records must be decrypted on the loop thread: a Task completed on the loop (where a SynchronizationContext is
    /// installed) sends SslStream's continuation to the thread pool, which once cost two thread hops per message.
    /// </summary>
    [Fact]
    public async Task Npgsql_ManyQueriesOverTls_NoRecordDecryptedOffLoop()
    {
        await using var pooler = await StartAsync(TlsMode.Require);
        var before = Pooler.Tls.TlsConnection.RecordsOffLoop;

        await using var c = new NpgsqlConnection(Builder(pooler, SslMode.Require).ConnectionString);
        await c.OpenAsync();
        for (var i = 0; i < 200; i++)
            Assert.Equal(i, await new NpgsqlCommand($"SELECT {i}", c).ExecuteScalarAsync());

        Assert.Equal(before, Pooler.Tls.TlsConnection.RecordsOffLoop);
    }

    [Theory]
    [InlineData(SslMode.VerifyCA)]
    [InlineData(SslMode.VerifyFull)]
    public async Task Npgsql_VerifyWithRightCa_Connects(SslMode mode)
    {
        await using var pooler = await StartAsync(TlsMode.Require);
        var b = Builder(pooler, mode);
        b.Host = "localhost";
        b.RootCertificate = _certs.CaFile;

        await using var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();

        Assert.Equal("pooler_test", await new NpgsqlCommand("SELECT current_database()", c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Npgsql_VerifyFullWithOtherCa_Refused()
    {
        using var other = _certs.CreateOtherCa();
        await using var pooler = await StartAsync(TlsMode.Require);
        var b = Builder(pooler, SslMode.VerifyFull);
        b.RootCertificate = other.CaFile;

        await using var c = new NpgsqlConnection(b.ConnectionString);

        await Assert.ThrowsAnyAsync<Exception>(() => c.OpenAsync());
    }

    [Theory]
    [InlineData("sslmode=require")]
    [InlineData("sslmode=verify-ca sslrootcert={ca}")]
    [InlineData("sslmode=verify-full sslrootcert={ca}")]
    public async Task Psql_SslModes_QueryRuns(string sslOptions)
    {
        await using var pooler = await StartAsync(TlsMode.Require);

        var result = await PsqlAsync(pooler, sslOptions.Replace("{ca}", _certs.CaFile));

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal("ok", result.StdOut.Trim());
    }

    [Fact]
    public async Task Plain_UnderRequire_RefusedWithSslRequired()
    {
        await using var pooler = await StartAsync(TlsMode.Require);

        await using var c = new NpgsqlConnection(Builder(pooler, SslMode.Disable).ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => c.OpenAsync());
        var psql = await PsqlAsync(pooler, "sslmode=disable");

        Assert.Equal("08P01", error.SqlState);
        Assert.Equal("SSL required", error.MessageText);
        Assert.NotEqual(0, psql.ExitCode);
        Assert.Contains("SSL required", psql.StdErr);
    }

    [Fact]
    public async Task Plain_UnderPrefer_Accepted()
    {
        await using var pooler = await StartAsync(TlsMode.Prefer);

        await using var c = new NpgsqlConnection(Builder(pooler, SslMode.Disable).ConnectionString);
        await c.OpenAsync();

        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task CertAuth_ClientCertificateWithUserCn_Accepted()
    {
        var (cert, key) = _certs.IssueClient("trust-user", PostgresServer.TrustUser);
        await using var pooler = await StartAsync(TlsMode.VerifyCa, withCa: true, o => o with { AuthType = AuthType.Cert });

        var psql = await PsqlAsync(pooler, $"sslmode=verify-full sslrootcert={_certs.CaFile} sslcert={cert} sslkey={key}");
        var b = Builder(pooler, SslMode.VerifyFull);
        b.Host = "localhost";
        b.RootCertificate = _certs.CaFile;
        await using var c = new NpgsqlConnection(b.ConnectionString);
        c.SslClientAuthenticationOptionsCallback = options =>
            options.ClientCertificates = [TestCertificates.LoadPair(cert, key)];
        await c.OpenAsync();

        Assert.True(psql.ExitCode == 0, psql.StdErr);
        Assert.Equal(PostgresServer.TrustUser, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
    }

    [Fact]
    public async Task CertAuth_CertificateForAnotherUser_Refused()
    {
        var (cert, key) = _certs.IssueClient("someone", "someone_else");
        await using var pooler = await StartAsync(TlsMode.Require, withCa: true, o => o with { AuthType = AuthType.Cert });

        var psql = await PsqlAsync(pooler, $"sslmode=require sslcert={cert} sslkey={key}");

        Assert.NotEqual(0, psql.ExitCode);
        Assert.Contains("certificate authentication failed", psql.StdErr);
    }

    [Fact]
    public async Task CertAuth_CertificateFromOtherCa_HandshakeRefused()
    {
        using var other = _certs.CreateOtherCa("rogue-ca");
        var (cert, key) = other.IssueClient("rogue", PostgresServer.TrustUser);
        await using var pooler = await StartAsync(TlsMode.VerifyCa, withCa: true, o => o with { AuthType = AuthType.Cert });

        var psql = await PsqlAsync(pooler, $"sslmode=require sslcert={cert} sslkey={key}");

        Assert.NotEqual(0, psql.ExitCode);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("TLS handshake with"));
    }

    [Fact]
    public async Task VerifyCa_NoClientCertificate_Refused()
    {
        await using var pooler = await StartAsync(TlsMode.VerifyCa, withCa: true);

        var psql = await PsqlAsync(pooler, "sslmode=require");

        Assert.NotEqual(0, psql.ExitCode);
    }

    [Fact]
    public async Task Scram_OverTls_ClientUsesScramPlus()
    {
        using var userList = TempFile.Write("pooler-userlist", $"\"{PostgresServer.ScramUser}\" \"{PostgresServer.ScramPassword}\"\n");
        await using var pooler = await StartAsync(TlsMode.Require,
            tune: o => o with { AuthType = AuthType.ScramSha256, AuthFile = userList.Path });
        var b = Builder(pooler, SslMode.Require, PostgresServer.ScramUser);
        b.Password = PostgresServer.ScramPassword;
        b.ChannelBinding = ChannelBinding.Require;

        await using var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();

        // Npgsql with ChannelBinding=Require fails the login unless SCRAM-SHA-256-PLUS was offered and completed.
        Assert.Equal(PostgresServer.ScramUser, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
        Assert.True(await pooler.Instance.Engine.Invoke(() =>
            pooler.Instance.Runtime.Sessions.Any(s => s.SaslMechanism == "SCRAM-SHA-256-PLUS" && s.TlsDescription is not null)));
    }

    [Fact]
    public async Task DirectTls_NpgsqlSslNegotiationDirect_Connects()
    {
        await using var pooler = await StartAsync(TlsMode.Require);
        var b = Builder(pooler, SslMode.Require);
        b.SslNegotiation = SslNegotiation.Direct;

        await using var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();

        Assert.Equal(3, await new NpgsqlCommand("SELECT 1 + 2", c).ExecuteScalarAsync());
        Assert.Contains(pooler.Log.Lines, l => l.Contains("(direct)"));
    }
}
