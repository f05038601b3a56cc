// The server-side TLS suite on the Portable event backend.
using Pooler.Config;
using Pooler.Tests.Tls;

namespace Pooler.Tests.Functional;

[Collection(TlsPostgresCollection.Name)]
public sealed class TlsServerTestsPortable(TlsPostgresFixture fixture) : TlsServerTests(fixture)
{
    protected override EventBackendKind Backend => EventBackendKind.Portable;
}
