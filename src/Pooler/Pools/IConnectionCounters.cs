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
}
