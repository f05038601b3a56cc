// The named prepared statements one client believes exist: its own names mapped to what they mean.
namespace Pooler.Prepared;

/// <summary>
/// Per client, name → statement. The client's names never reach a server in transaction or statement mode; each
/// server knows the statement under its own name (see <see cref="ServerStatementCache"/>). Loop-thread only.
/// </summary>
internal sealed class ClientStatements
{
    private readonly Dictionary<string, StatementKey> _byName = new(StringComparer.Ordinal);

    public int Count => _byName.Count;

    /// <summary>
    /// Record a Parse. PostgreSQL would refuse a name already in use (42P05); here the new definition replaces the
    /// old one, since the pooler cannot raise that error at the right place in a pipeline (documented).
    /// </summary>
    public void Set(string name, StatementKey key) => _byName[name] = key;

    public StatementKey? Get(string name) => _byName.GetValueOrDefault(name);

    public bool Remove(string name) => _byName.Remove(name);

    /// <summary>Undo a Parse that failed on the server, unless the name was redefined since.</summary>
    public void RemoveIfSame(string name, StatementKey key)
    {
        if (_byName.TryGetValue(name, out var current) && ReferenceEquals(current, key))
            _byName.Remove(name);
    }

    /// <summary>DISCARD ALL / DEALLOCATE ALL from this client.</summary>
    public void Clear() => _byName.Clear();
}
