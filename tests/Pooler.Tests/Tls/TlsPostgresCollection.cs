// The xunit collection that shares one ssl = on PostgreSQL among the server-side TLS test classes.
namespace Pooler.Tests.Tls;

[CollectionDefinition(Name)]
public sealed class TlsPostgresCollection : ICollectionFixture<TlsPostgresFixture>
{
    public const string Name = "PostgreSQL with TLS";
}
