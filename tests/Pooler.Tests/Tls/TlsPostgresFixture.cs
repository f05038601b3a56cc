// One PostgreSQL with ssl = on (certificate from a throwaway CA for 127.0.0.1 and pg.test, not localhost) shared by the
// server-side TLS tests of every event backend.
using Pooler.TestSupport;

namespace Pooler.Tests.Tls;

public sealed class TlsPostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public TestCertificates Certificates { get; } = TestCertificates.Create("pg-ca");

    public async Task InitializeAsync()
    {
        Server = await PostgresServer.StartAsync();
        var (cert, key) = Certificates.IssueServer("postgres", "127.0.0.1", "pg.test");
        await Server.EnableSslAsync(cert, key);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificates.Dispose();
    }
}
