// The Protocol.Tests collection sharing one real PostgreSQL server (xunit 2 needs the definition in this assembly).
using Pooler.TestSupport;

namespace Pooler.Protocol.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
