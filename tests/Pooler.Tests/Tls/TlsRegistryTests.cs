// TLS settings per options snapshot: a new snapshot re-reads the files; a snapshot with a bad key keeps the old ones.
using Pooler.Config;
using Pooler.Tests.Functional;
using Pooler.Tls;
using Pooler.TestSupport;
using Serilog;

namespace Pooler.Tests.Tls;

public sealed class TlsRegistryTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public void Dispose() => _certs.Dispose();

    private static PoolerOptions Options(string cert, string key) => new()
    {
        ClientTlsSslMode = TlsMode.Require,
        ClientTlsCertFile = cert,
        ClientTlsKeyFile = key,
        ServerTlsSslMode = TlsMode.Disable,
    };

    [Fact]
    public void For_NewSnapshotWithNewFiles_LoadsNewCertificate()
    {
        var log = new LoggerConfiguration().CreateLogger();
        var (cert1, key1) = _certs.IssueServer("one", "one.example");
        var (cert2, key2) = _certs.IssueServer("two", "two.example");

        var first = TlsRegistry.For(Options(cert1, key1), log).Client!;
        var second = TlsRegistry.For(Options(cert2, key2), log).Client!;

        Assert.Contains("one.example", first.Certificate.Subject);
        Assert.Contains("two.example", second.Certificate.Subject);
        Assert.NotNull(second.ChannelBindingHash);
    }

    [Fact]
    public void Reload_BadKeyFile_ReportsErrorAndKeepsPreviousCertificate()
    {
        var sink = new CollectingSink();
        var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        var (cert, key) = _certs.IssueServer("good", "good.example");
        var (_, wrongKey) = _certs.IssueServer("wrong", "wrong.example");
        Assert.Empty(TlsRegistry.Reload(Options(cert, key), log));

        var bad = Options(cert, wrongKey);
        var errors = TlsRegistry.Reload(bad, log);

        Assert.Single(errors);
        Assert.StartsWith("client_tls_key_file: ", errors[0]);
        Assert.Contains("good.example", TlsRegistry.For(bad, log).Client!.Certificate.Subject);
        Assert.Contains(sink.Lines, l => l.Contains("keeping the previous TLS certificates"));
    }
}
