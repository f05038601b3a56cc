// The client-side TLS suite on the Portable event backend.
using Pooler.Config;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class TlsClientTestsPortable(PostgresFixture fixture) : TlsClientTests(fixture)
{
    protected override EventBackendKind Backend => EventBackendKind.Portable;
}
