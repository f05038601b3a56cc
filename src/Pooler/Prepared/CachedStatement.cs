// One statement prepared on one server connection under the pooler's name for it.
namespace Pooler.Prepared;

/// <summary>An entry of <see cref="ServerStatementCache"/>; also its node in the LRU list.</summary>
internal sealed class CachedStatement(StatementKey key, string serverName)
{
    public StatementKey Key { get; } = key;

    /// <summary>The name on the server ("P_1", "P_2", ...), unique per server connection.</summary>
    public string ServerName { get; } = serverName;

    public LinkedListNode<CachedStatement>? Node { get; set; }
}
