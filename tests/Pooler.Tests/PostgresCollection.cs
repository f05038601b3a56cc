// The Pooler.Tests collection that shares one real PostgreSQL server (xunit 2 needs it in the test assembly).
using Pooler.TestSupport;

namespace Pooler.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
