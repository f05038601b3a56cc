// The client-side TLS suite on the IoUring event backend.
using Pooler.Config;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class TlsClientTestsIoUring(PostgresFixture fixture) : TlsClientTests(fixture)
{
    protected override EventBackendKind Backend => EventBackendKind.IoUring;
}
