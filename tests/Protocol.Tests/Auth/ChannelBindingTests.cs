// tls-server-end-point hashes (RFC 5929): which hash for which certificate signature, and a real TLS login with -PLUS.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pooler.Protocol.Auth;
using Pooler.TestSupport;

namespace Pooler.Protocol.Tests.Auth;

[Collection(PostgresCollection.Name)]
public class ChannelBindingTests
{
    private readonly PostgresServer _pg;

    public ChannelBindingTests(PostgresFixture fixture) => _pg = fixture.Server;

    private static X509Certificate2 RsaCertificate(HashAlgorithmName hash, RSA? key = null)
    {
        key ??= RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, hash, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    [Theory]
    [InlineData("SHA256", 32)]
    [InlineData("SHA384", 48)]
    [InlineData("SHA512", 64)]
    public void TryCompute_RsaCertificate_UsesSignatureHashOrSha256(string hash, int length)
    {
        using var cert = RsaCertificate(new HashAlgorithmName(hash));
        Assert.True(ChannelBinding.TryComputeTlsServerEndPoint(cert, out var binding));
        Assert.Equal(length, binding.Length);
        var expected = length switch { 48 => SHA384.HashData(cert.RawData), 64 => SHA512.HashData(cert.RawData), _ => SHA256.HashData(cert.RawData) };
        Assert.Equal(expected, binding);
    }

    /// <summary>.NET no longer signs certificates with SHA-1, so this generator does it by hand (sha1WithRSAEncryption).</summary>
    private sealed class Sha1RsaGenerator(RSA key) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
            Convert.FromHexString("300D06092A864886F70D0101050500");
        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
            key.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
        protected override PublicKey BuildPublicKey() => CreateForRSA(key, RSASignaturePadding.Pkcs1).PublicKey;
    }

    [Fact]
    public void TryCompute_Sha1Signature_UsesSha256AsRfc5929Says()
    {
        using var key = RSA.Create(2048);
        var generator = new Sha1RsaGenerator(key);
        var request = new CertificateRequest(new X500DistinguishedName("CN=localhost"), generator.PublicKey, HashAlgorithmName.SHA256);
        using var cert = request.Create(request.SubjectName, generator, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3]);
        Assert.Equal("1.2.840.113549.1.1.5", cert.SignatureAlgorithm.Value);
        Assert.True(ChannelBinding.TryComputeTlsServerEndPoint(cert, out var binding));
        Assert.Equal(SHA256.HashData(cert.RawData), binding);
    }

    [Fact]
    public void TryCompute_EcdsaSha384_UsesSha384()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var cert = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA384).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.True(ChannelBinding.TryComputeTlsServerEndPoint(cert, out var binding));
        Assert.Equal(SHA384.HashData(cert.RawData), binding);
    }

    [Fact]
    public void TryCompute_RsaPss_IsRefused()
    {
        using var key = RSA.Create(2048);
        using var cert = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.False(ChannelBinding.TryComputeTlsServerEndPoint(cert, out _));
    }

    /// <summary>Turns TLS on in the fixture's server with a fresh self-signed certificate, and off again after.</summary>
    private async Task WithTlsAsync(Func<Task> test)
    {
        var dir = Path.Combine(_pg.SocketDir, "tls");
        Directory.CreateDirectory(dir);
        using (var key = RSA.Create(2048))
        using (var cert = RsaCertificate(HashAlgorithmName.SHA256, key))
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "server.crt"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(dir, "server.key"), key.ExportPkcs8PrivateKeyPem());
        }
        if (!OperatingSystem.IsWindows())                  // PostgreSQL refuses a key others can read
            File.SetUnixFileMode(Path.Combine(dir, "server.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await (await ServerAccount.GetAsync()).GiveOwnershipAsync(dir);
        await _pg.ExecuteAsync($"ALTER SYSTEM SET ssl_cert_file = '{dir}/server.crt'");
        await _pg.ExecuteAsync($"ALTER SYSTEM SET ssl_key_file = '{dir}/server.key'");
        await _pg.ExecuteAsync("ALTER SYSTEM SET ssl = on");
        await ReloadUntilAsync("on");
        try
        {
            await test();
        }
        finally
        {
            await _pg.ExecuteAsync("ALTER SYSTEM RESET ssl");
            await _pg.ExecuteAsync("ALTER SYSTEM RESET ssl_cert_file");
            await _pg.ExecuteAsync("ALTER SYSTEM RESET ssl_key_file");
            await ReloadUntilAsync("off");
        }
    }

    /// <summary>Reloads, then waits until new sessions see the setting (the postmaster applies SIGHUP asynchronously).</summary>
    private async Task ReloadUntilAsync(string ssl)
    {
        await _pg.ExecuteAsync("SELECT pg_reload_conf()");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((string?)await _pg.ScalarAsync("SHOW ssl") != ssl)
            Assert.True(DateTime.UtcNow < deadline, $"ssl did not become {ssl}; log: {_pg.LogPath}");
    }

    [Fact]
    public async Task ScramPlus_RealServerOverTls_LogsInWithChannelBinding()
    {
        await WithTlsAsync(async () =>
        {
            var (client, error) = await RawPgClient.ConnectAsync(_pg.Host, _pg.Port, PostgresServer.ScramUser, PostgresServer.Database,
                PostgresServer.ScramPassword, tls: true, channelBinding: true);
            Assert.Null(error);
            await using (client)
            {
                Assert.Equal(ScramServer.MechanismPlus, client!.Mechanism);
                var (rows, _, _) = await client.QueryAsync("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
                Assert.Equal("true", rows.Single()[0]);
            }

            // A hash of some other certificate (a man in the middle's) must be refused by the server.
            using var other = RsaCertificate(HashAlgorithmName.SHA256);
            Assert.True(ChannelBinding.TryComputeTlsServerEndPoint(other, out var wrongHash));
            var (none, refused) = await RawPgClient.ConnectAsync(_pg.Host, _pg.Port, PostgresServer.ScramUser, PostgresServer.Database,
                PostgresServer.ScramPassword, scram: new ScramClient(PostgresServer.ScramPassword, wrongHash), tls: true);
            Assert.Null(none);
            Assert.NotNull(refused);
            Assert.Equal("FATAL", refused!.Severity);
        });
    }
}
