// The client-side TLS suite on the Epoll event backend.
using Pooler.Config;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class TlsClientTestsEpoll(PostgresFixture fixture) : TlsClientTests(fixture)
{
    protected override EventBackendKind Backend => EventBackendKind.Epoll;
}
