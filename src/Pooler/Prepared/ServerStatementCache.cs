// The statements one server connection holds, by content, with least-recently-used eviction.
namespace Pooler.Prepared;

/// <summary>
/// Per server, statement → server-side name. An entry is added as soon as its Parse is written (so a pipeline that
/// binds it right after does not parse it twice) and removed again if that Parse fails. At most
/// <see cref="Capacity"/> entries (max_prepared_statements); adding past that evicts the least recently used ones,
/// which the caller closes on the server. Loop-thread only.
/// </summary>
internal sealed class ServerStatementCache(int capacity)
{
    private readonly Dictionary<StatementKey, CachedStatement> _byKey = new();
    private readonly LinkedList<CachedStatement> _lru = new();
    private long _nextName;

    public int Capacity { get; set; } = capacity;

    public int Count => _byKey.Count;

    /// <summary>Find a statement and mark it most recently used.</summary>
    public CachedStatement? Get(StatementKey key)
    {
        if (!_byKey.TryGetValue(key, out var entry))
            return null;
        _lru.Remove(entry.Node!);
        _lru.AddFirst(entry.Node!);
        return entry;
    }

    /// <summary>Add a statement under a new server-side name; evicted entries are added to <paramref name="evicted"/>.</summary>
    public CachedStatement Add(StatementKey key, List<CachedStatement> evicted)
    {
        while (_byKey.Count >= Math.Max(1, Capacity) && _lru.Last is { } last)
        {
            Remove(last.Value);
            evicted.Add(last.Value);
        }
        var entry = new CachedStatement(key, "P_" + (++_nextName).ToString(System.Globalization.CultureInfo.InvariantCulture));
        entry.Node = _lru.AddFirst(entry);
        _byKey.Add(key, entry);
        return entry;
    }

    /// <summary>Forget an entry (its Parse failed, or it was evicted); no-op if it is no longer the current one.</summary>
    public void Remove(CachedStatement entry)
    {
        if (_byKey.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
        {
            _byKey.Remove(entry.Key);
            _lru.Remove(entry.Node!);
        }
    }

    /// <summary>The server dropped every statement (DISCARD ALL, DEALLOCATE ALL). Names keep counting up.</summary>
    public void Clear()
    {
        _byKey.Clear();
        _lru.Clear();
    }
}
