// The server-side TLS suite on the Epoll event backend.
using Pooler.Config;
using Pooler.Tests.Tls;

namespace Pooler.Tests.Functional;

[Collection(TlsPostgresCollection.Name)]
public sealed class TlsServerTestsEpoll(TlsPostgresFixture fixture) : TlsServerTests(fixture)
{
    protected override EventBackendKind Backend => EventBackendKind.Epoll;
}
