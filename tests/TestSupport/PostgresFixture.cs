// The xunit fixture that shares one real PostgreSQL server across a test collection.
using Xunit;

namespace Pooler.TestSupport;

/// <summary>Use from a test assembly's own collection definition:
/// <c>[CollectionDefinition("postgres")] public sealed class PostgresCollection : ICollectionFixture&lt;PostgresFixture&gt;</c>
/// (xunit 2 only finds collection definitions in the test assembly itself).</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
