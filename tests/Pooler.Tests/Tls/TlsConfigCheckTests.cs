// `pooler config check` reads TLS certificates and keys: a bad key file is reported with its key path and file.
using Pooler.Cli;
using Pooler.Tests.Cli;
using Pooler.TestSupport;

namespace Pooler.Tests.Tls;

public sealed class TlsConfigCheckTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _certs.Dispose();
        _dir.Dispose();
    }

    private string Config(string certFile, string keyFile) => _dir.Write("pooler.toml", $"""
        [pooler]
        auth_type = "trust"
        client_tls_sslmode = "require"
        client_tls_cert_file = "{certFile}"
        client_tls_key_file = "{keyFile}"

        [databases.app]
        host = "127.0.0.1"
        """);

    [Fact]
    public async Task ConfigCheck_GoodCertificateAndKey_Exits0()
    {
        var (cert, key) = _certs.IssueServer("pooler", "localhost");

        var result = await CliHarness.RunAsync(["config", "check", Config(cert, key)]);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
    }

    [Fact]
    public async Task ConfigCheck_KeyFileNotAKey_ReportsKeyFile()
    {
        var (cert, _) = _certs.IssueServer("pooler", "localhost");
        var badKey = _dir.Write("bad.key", "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");

        var result = await CliHarness.RunAsync(["config", "check", Config(cert, badKey)]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("pooler.client_tls_key_file:", result.Error);
        Assert.Contains($"{badKey} is not a usable private key for {cert}", result.Error);
    }

    [Fact]
    public async Task ConfigCheck_KeyOfAnotherCertificate_ReportsMismatch()
    {
        var (cert, _) = _certs.IssueServer("pooler", "localhost");
        var (_, otherKey) = _certs.IssueServer("other", "localhost");

        var result = await CliHarness.RunAsync(["config", "check", Config(cert, otherKey)]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("pooler.client_tls_key_file:", result.Error);
    }

    [Fact]
    public async Task ConfigCheck_CertificateFileNotPem_ReportsCertFile()
    {
        var (_, key) = _certs.IssueServer("pooler", "localhost");
        var badCert = _dir.Write("bad.crt", "hello");

        var result = await CliHarness.RunAsync(["config", "check", Config(badCert, key)]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"pooler.client_tls_cert_file: {badCert} holds no readable PEM certificate", result.Error);
    }
}
