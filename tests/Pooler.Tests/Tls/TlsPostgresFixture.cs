// One PostgreSQL with ssl = on (certificate from a throwaway CA for 127.0.0.1 and pg.test, not localhost) shared by the
// server-side TLS tests of every event backend. Two extra roles whose hba lines accept only TLS or only plain text.
using Pooler.TestSupport;

namespace Pooler.Tests.Tls;

public sealed class TlsPostgresFixture : IAsyncLifetime
{
    /// <summary>Logs in only over TLS (hba hostssl trust, hostnossl reject): server_tls_sslmode = allow must retry.</summary>
    public const string TlsOnlyUser = "pooler_tls_only";

    /// <summary>Logs in only in plain text (hba hostnossl trust, hostssl reject): prefer must fall back.</summary>
    public const string PlainOnlyUser = "pooler_plain_only";

    public PostgresServer Server { get; private set; } = null!;

    public TestCertificates Certificates { get; } = TestCertificates.Create("pg-ca");

    public async Task InitializeAsync()
    {
        Server = await PostgresServer.StartAsync();
        await Server.ExecuteAsync($"CREATE ROLE {TlsOnlyUser} LOGIN; CREATE ROLE {PlainOnlyUser} LOGIN");
        // Before the fixture's own lines (first match wins); EnableSslAsync's reload takes them in.
        var hbaPath = Path.Combine(Server.DataDir, "pg_hba.conf");
        var lines = (await File.ReadAllLinesAsync(hbaPath)).ToList();
        lines.InsertRange(lines.FindIndex(l => l.StartsWith("local", StringComparison.Ordinal)) + 1,
        [
            $"hostssl all {TlsOnlyUser} 127.0.0.1/32 trust",
            $"host all {TlsOnlyUser} 127.0.0.1/32 reject",
            $"hostnossl all {PlainOnlyUser} 127.0.0.1/32 trust",
            $"host all {PlainOnlyUser} 127.0.0.1/32 reject",
        ]);
        await File.WriteAllLinesAsync(hbaPath, lines);
        var (cert, key) = Certificates.IssueServer("postgres", "127.0.0.1", "pg.test");
        await Server.EnableSslAsync(cert, key);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificates.Dispose();
    }
}
