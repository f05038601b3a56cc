// The per-server statement cache: content equality, LRU eviction, undo of a failed Parse.
using Pooler.Prepared;

namespace Pooler.Tests.Prepared;

public sealed class ServerStatementCacheTests
{
    private static StatementKey Key(string sql) => new(sql, [0, 0]);

    [Fact]
    public void Add_PastCapacity_EvictsLeastRecentlyUsed()
    {
        var cache = new ServerStatementCache(2);
        var evicted = new List<CachedStatement>();
        var a = cache.Add(Key("a"), evicted);
        cache.Add(Key("b"), evicted);
        Assert.NotNull(cache.Get(Key("a")));          // a is now the most recent
        cache.Add(Key("c"), evicted);
        Assert.Equal("b", Assert.Single(evicted).Key.Query);
        Assert.Same(a, cache.Get(Key("a")));
        Assert.Null(cache.Get(Key("b")));
    }

    [Fact]
    public void Add_NamesUniqueAndNeverReused_EvenAfterClear()
    {
        var cache = new ServerStatementCache(10);
        var evicted = new List<CachedStatement>();
        var first = cache.Add(Key("a"), evicted).ServerName;
        cache.Clear();
        Assert.NotEqual(first, cache.Add(Key("a"), evicted).ServerName);
    }

    [Fact]
    public void Get_SameTextDifferentParameterTypes_NotShared()
    {
        var cache = new ServerStatementCache(10);
        cache.Add(new StatementKey("SELECT $1", [0, 1, 0, 0, 0, 23]), []);
        Assert.Null(cache.Get(new StatementKey("SELECT $1", [0, 1, 0, 0, 0, 25])));
    }

    [Fact]
    public void Remove_StaleEntry_LeavesCurrentOne()
    {
        var cache = new ServerStatementCache(10);
        var old = cache.Add(Key("a"), []);
        cache.Remove(old);
        var current = cache.Add(Key("a"), []);
        cache.Remove(old);
        Assert.Same(current, cache.Get(Key("a")));
    }
}
