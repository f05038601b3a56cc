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

    /// <summary>Take a server slot for (database, user) unless a per-database or per-user limit (0 = unlimited) is reached.</summary>
    ServerSlotStatus TryAddServer(string database, string user, int maxDbConnections, int maxUserConnections);

    void RemoveServer(string database, string user);

    int ServersOfDatabase(string database);

    int ServersOfUser(string user);
}
