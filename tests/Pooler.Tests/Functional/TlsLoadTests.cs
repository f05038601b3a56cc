// pgbench over client TLS (sslmode=require) with 50 clients on a pool of 5: every transaction done, none failed.
using Pooler.Config;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class TlsLoadTests(PostgresFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    private PostgresServer Pg => fixture.Server;

    public void Dispose() => _certs.Dispose();

    [Theory(Timeout = 300_000)]
    [InlineData("-S")]
    [InlineData("-N")]
    public async Task PgBench_SslModeRequire50Clients_NoFailures(string mode)
    {
        await PgBenchTables.EnsureAsync(Pg);
        var (cert, key) = _certs.IssueServer("pooler", "localhost", "127.0.0.1");
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with
        {
            DefaultPoolSize = 5,
            ClientTlsSslMode = TlsMode.Require,
            ClientTlsCertFile = cert,
            ClientTlsKeyFile = key,
        });

        // A connection string as the database name: pgbench hands it to libpq, which then insists on TLS.
        var result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.SuperUser,
            $"dbname={PostgresServer.Database} sslmode=require", ["-c", "50", "-j", "2", "-t", "40", .. mode.Split(' ')]);

        output.WriteLine($"pgbench {mode} over TLS: {result.Processed}/{result.Expected}, {result.Failed} failed, {result.Tps:F0} tps");
        Assert.True(result.Process.Succeeded, result.Process.StdErr);
        Assert.True(result.Complete, result.Process.StdOut);
        Assert.Equal(2000, result.Processed);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("TLS: TLSv1.3/"));
    }
}
