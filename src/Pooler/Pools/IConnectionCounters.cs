// Global connection counters behind an interface so that issue 7 can back them with shared memory across workers.
namespace Pooler.Pools;

/// <summary>
/// Counts clients and server connections across every pool (and later every worker process). Each Try* either
/// takes a slot or leaves the counters unchanged, so an implementation over shared memory can use compare-and-swap.
/// </summary>
internal interface IConnectionCounters
{
    int Clients { get; }

    /// <summary>Take a client slot unless <paramref name="maxClients"/> (0 = unlimited) are taken.</summary>
    bool TryAddClient(int maxClients);

    void RemoveClient();

    /// <summary>Take a server slot for (database, user) unless a per-database or per-user limit (0 = unlimited) is
    /// reached, or (when counted across processes) the pool's own <paramref name="maxPoolConnections"/>.</summary>
    ServerSlotStatus TryAddServer(string database, string user, int maxDbConnections, int maxUserConnections,
        int maxPoolConnections = 0);

    void RemoveServer(string database, string user);

    int ServersOfDatabase(string database);

    int ServersOfUser(string user);

    /// <summary>Whether another process waits for a server slot of this database or user, so an idle server here is
    /// worth more closed. Always false in one process (PoolManager knows its own pools).</summary>
    bool OthersWaitFor(string database, string user) => false;

    /// <summary>The shared-memory entry of a pool's own slots (pool_size across workers); -1 in one process.</summary>
    int PoolEntry(string database, string user) => -1;

    /// <summary>Whether a server of the pool at <paramref name="entry"/>, just released or idle, should be closed so
    /// that another process gets the slot (its fair share). Always false in one process.</summary>
    bool ShouldYield(int entry, int limit) => false;

    /// <summary>Whether another process has clients waiting for a slot of the pool at <paramref name="entry"/>.</summary>
    bool OthersHungry(int entry) => false;

    /// <summary>The pool handed a server to a waiting client (another process then knows it is not starving).</summary>
    void Served(int entry)
    {
    }

    /// <summary>The pool has no client waiting for a new server any more: it stops claiming a share of the
    /// <paramref name="limit"/> slots.</summary>
    void Satisfied(int entry, int limit)
    {
    }
}
