// In-process connection counters (workers = 0); runs on the loop thread only, so no atomics are needed.
namespace Pooler.Pools;

internal sealed class LocalConnectionCounters : IConnectionCounters
{
    private readonly Dictionary<string, int> _byDatabase = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byUser = new(StringComparer.Ordinal);

    public int Clients { get; private set; }

    public bool TryAddClient(int maxClients)
    {
        if (maxClients > 0 && Clients >= maxClients)
            return false;
        Clients++;
        return true;
    }

    public void RemoveClient()
    {
        if (Clients > 0)
            Clients--;
    }

    /// <summary>pool_size is checked by the pool itself in one process, so <paramref name="maxPoolConnections"/> is unused.</summary>
    public ServerSlotStatus TryAddServer(string database, string user, int maxDbConnections, int maxUserConnections,
        int maxPoolConnections = 0)
    {
        if (maxDbConnections > 0 && ServersOfDatabase(database) >= maxDbConnections)
            return ServerSlotStatus.DatabaseLimit;
        if (maxUserConnections > 0 && ServersOfUser(user) >= maxUserConnections)
            return ServerSlotStatus.UserLimit;
        _byDatabase[database] = ServersOfDatabase(database) + 1;
        _byUser[user] = ServersOfUser(user) + 1;
        return ServerSlotStatus.Granted;
    }

    public void RemoveServer(string database, string user)
    {
        Decrement(_byDatabase, database);
        Decrement(_byUser, user);
    }

    public int ServersOfDatabase(string database) => _byDatabase.GetValueOrDefault(database);

    public int ServersOfUser(string user) => _byUser.GetValueOrDefault(user);

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        var n = counts.GetValueOrDefault(key);
        if (n <= 1)
            counts.Remove(key);
        else
            counts[key] = n - 1;
    }
}
