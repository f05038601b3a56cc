// hba lines that depend on TLS: hostssl / hostnossl match by the session's encryption, and the hba cert method
// takes the client certificate's CN as the user.
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class TlsHbaTests(PostgresFixture fixture) : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    private PostgresServer Pg => fixture.Server;

    public void Dispose() => _certs.Dispose();

    private Task<PoolerHarness> StartAsync(TempFile file) =>
        PoolerHarness.StartAsync(Pg, o =>
        {
            var (cert, key) = _certs.IssueServer("pooler", "localhost", "127.0.0.1");
            return o with
            {
                AuthType = AuthType.Hba,
                AuthHbaFile = file.Path,
                ClientTlsSslMode = TlsMode.Prefer,
                ClientTlsCertFile = cert,
                ClientTlsKeyFile = key,
                ClientTlsCaFile = _certs.CaFile,
            };
        });

    [Fact]
    public async Task Hostssl_TlsAcceptedPlainRejected()
    {
        using var hba = TempFile.Write("pooler-hba", "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n");
        await using var pooler = await StartAsync(hba);
        var tls = new NpgsqlConnectionStringBuilder(pooler.ConnectionString()) { SslMode = SslMode.Require, GssEncryptionMode = GssEncryptionMode.Disable };
        var plain = new NpgsqlConnectionStringBuilder(pooler.ConnectionString()) { SslMode = SslMode.Disable, GssEncryptionMode = GssEncryptionMode.Disable };

        await using var c = new NpgsqlConnection(tls.ConnectionString);
        await c.OpenAsync();
        await using var p = new NpgsqlConnection(plain.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => p.OpenAsync());

        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", c).ExecuteScalarAsync());
        Assert.Equal("28000", error.SqlState);
        Assert.Contains("no encryption", error.MessageText);
    }

    [Fact]
    public async Task HbaCert_CertificateCnIsUser_AcceptedOtherUserRefused()
    {
        using var hba = TempFile.Write("pooler-hba", "hostssl all all 127.0.0.1/32 cert\n");
        await using var pooler = await StartAsync(hba);
        var (cert, key) = _certs.IssueClient("trust-user", PostgresServer.TrustUser);
        var b = new NpgsqlConnectionStringBuilder(pooler.ConnectionString()) { SslMode = SslMode.Require, GssEncryptionMode = GssEncryptionMode.Disable };
        var other = new NpgsqlConnectionStringBuilder(pooler.ConnectionString(PostgresServer.Md5User)) { SslMode = SslMode.Require, GssEncryptionMode = GssEncryptionMode.Disable };

        await using var c = new NpgsqlConnection(b.ConnectionString);
        c.SslClientAuthenticationOptionsCallback = o => o.ClientCertificates = [TestCertificates.LoadPair(cert, key)];
        await c.OpenAsync();
        await using var wrong = new NpgsqlConnection(other.ConnectionString);
        wrong.SslClientAuthenticationOptionsCallback = o => o.ClientCertificates = [TestCertificates.LoadPair(cert, key)];
        var error = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());

        Assert.Equal(PostgresServer.TrustUser, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
        Assert.Equal("28000", error.SqlState);
    }
}
