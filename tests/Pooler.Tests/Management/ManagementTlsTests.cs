// TLS on the TCP management port: the CLI with verify-full against the test CA, clear text refused when TLS is
// required, a certificate from the wrong CA refused, and a RELOAD that brings a new certificate.
using System.Text.Json;
using Pooler.Config;
using Pooler.Management;
using Pooler.Tests.Functional;
using Pooler.TestSupport;

namespace Pooler.Tests.Management;

[Collection(PostgresCollection.Name)]
public sealed class ManagementTlsTests(PostgresFixture fixture) : IDisposable
{
    private const string Admin = "mgmt_admin", Password = "tls pass";

    private readonly TestCertificates _ca = TestCertificates.Create("mgmt-ca");
    private readonly string _authFile = Path.Combine(Directory.CreateTempSubdirectory("pooler-mgmt-tls-").FullName, "userlist.txt");

    private async Task<(PoolerHarness Pooler, int Port)> StartAsync(TlsMode mode, (string Cert, string Key)? pair = null)
    {
        await File.WriteAllTextAsync(_authFile, $"\"{Admin}\" \"{Password}\"\n");
        var (cert, key) = pair ?? _ca.IssueServer("mgmt", "127.0.0.1", "localhost");
        var port = FreePort.Next();
        var pooler = await PoolerHarness.StartAsync(fixture.Server, o => o with
        {
            AdminUsers = [Admin],
            AuthFile = _authFile,
            ManagementPort = port,
            ManagementTlsSslMode = mode,
            ClientTlsCertFile = cert,
            ClientTlsKeyFile = key,
        });
        return (pooler, port);
    }

    private static Task<(int Exit, string Out, string Err)> CliAsync(int port, params string[] args) =>
        ManagementTcpTests.CliAsync(port, Admin, Password, args);

    [Fact(Timeout = 60_000)]
    public async Task Cli_VerifyFullAgainstTestCa_RunsCommandInsideTlsWithScramPlus()
    {
        var (pooler, port) = await StartAsync(TlsMode.Require);
        await using var _pooler = pooler;

        var (exit, output, error) = await CliAsync(port, "--sslmode", "verify-full", "--sslrootcert", _ca.CaFile, "--json", "pause", PostgresServer.Database);

        Assert.True(exit == 0, error + "\n" + string.Join('\n', pooler.Log.Lines));
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("ok", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Contains(pooler.Log.Lines, l => l.Contains("admin: Pause", StringComparison.Ordinal)
            && l.Contains($"{Admin}@127.0.0.1", StringComparison.Ordinal) && l.Contains("via management port (TLS)", StringComparison.Ordinal));
        Assert.Contains(pooler.Log.Lines, l => l.Contains("SCRAM-SHA-256-PLUS", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task ClearText_TlsRequired_RefusedWithTlsRequiredCode()
    {
        var (pooler, port) = await StartAsync(TlsMode.Require);
        await using var _pooler = pooler;

        var (exit, _, error) = await CliAsync(port, "--sslmode", "disable", "status");
        var answer = await ManagementTcpTests.RawAsync(port, stream => ManagementProtocol.WriteFrameAsync(stream,
            ManagementProtocol.Encode(new ManagementRequest { Command = "status" })));

        Assert.Equal(1, exit);
        Assert.Contains("requires TLS", error, StringComparison.Ordinal);
        Assert.Equal("forbidden", answer!.Outcome);
        Assert.Equal("request.tls_required", answer.Code);
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("admin: Status", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Cli_CertificateFromOtherCaOrWrongName_Refused()
    {
        using var other = _ca.CreateOtherCa("mgmt-other-ca");
        var (pooler, port) = await StartAsync(TlsMode.Require, _ca.IssueServer("wrong-name", "wrong.example"));
        await using var _pooler = pooler;

        var (wrongCa, _, wrongCaError) = await CliAsync(port, "--sslmode", "verify-ca", "--sslrootcert", other.CaFile, "status");
        var (wrongName, _, wrongNameError) = await CliAsync(port, "--sslmode", "verify-full", "--sslrootcert", _ca.CaFile, "status");
        var (rightCa, _, rightCaError) = await CliAsync(port, "--sslmode", "verify-ca", "--sslrootcert", _ca.CaFile, "status");

        Assert.Equal(1, wrongCa);
        Assert.Contains("TLS", wrongCaError, StringComparison.Ordinal);
        Assert.Equal(1, wrongName);
        Assert.Contains("TLS", wrongNameError, StringComparison.Ordinal);
        Assert.True(rightCa == 0, rightCaError); // verify-ca does not check the name
    }

    [Fact(Timeout = 60_000)]
    public async Task Reload_NewCertificate_NextConnectionUsesIt()
    {
        using var next = _ca.CreateOtherCa("mgmt-next-ca");
        var (pooler, port) = await StartAsync(TlsMode.Require);
        await using var _pooler = pooler;
        var (before, _, beforeError) = await CliAsync(port, "--sslmode", "verify-full", "--sslrootcert", _ca.CaFile, "status");

        var (cert, key) = next.IssueServer("mgmt-next", "127.0.0.1");
        var options = pooler.Instance.Runtime.Options with { ClientTlsCertFile = cert, ClientTlsKeyFile = key };
        await pooler.Instance.ApplyAsync(pooler.Instance.Runtime.Config with { Pooler = options });
        var (oldCa, _, _) = await CliAsync(port, "--sslmode", "verify-full", "--sslrootcert", _ca.CaFile, "status");
        var (newCa, _, newCaError) = await CliAsync(port, "--sslmode", "verify-full", "--sslrootcert", next.CaFile, "status");

        Assert.True(before == 0, beforeError);
        Assert.Equal(1, oldCa);
        Assert.True(newCa == 0, newCaError);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cli_PreferAgainstClearTextPort_FallsBackToClearText()
    {
        var (pooler, port) = await StartAsync(TlsMode.Disable);
        await using var _pooler = pooler;

        var (exit, _, error) = await CliAsync(port, "status");

        Assert.True(exit == 0, error);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("logged in", StringComparison.Ordinal) && l.Contains("SCRAM-SHA-256", StringComparison.Ordinal)
            && !l.Contains("PLUS", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _ca.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_authFile)!, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
