// Connection counters in shared memory (workers > 0): limits hold across every worker process at every moment.
using Pooler.Shared;

namespace Pooler.Pools;

/// <summary>
/// One worker's view of the shared counters. Entries: "c" (clients), "d\0DB" (servers of a database), "u\0USER"
/// (servers of a user), "p\0DB\0USER" (servers of a pool). A refused worker records itself as a waiter on the
/// entry that refused it and asks the workers holding that entry to close an idle server; whoever then gives a
/// slot back wakes the waiters (<see cref="Wake"/>), so nobody polls.
/// </summary>
internal sealed class SharedConnectionCounters : IConnectionCounters
{
    private readonly SharedState _state;
    private readonly int _worker;
    private readonly Dictionary<string, int> _entries = new(StringComparer.Ordinal);
    private readonly int _clients;

    /// <param name="wake">Called with a mask of workers to wake (retry their held-back pools).</param>
    /// <param name="evict">Called with a mask of workers holding an entry and the entry's key: close one idle server of it.</param>
    public SharedConnectionCounters(SharedState state, int worker, Action<long> wake, Action<long, string> evict)
    {
        _state = state;
        _worker = worker;
        Wake = wake;
        Evict = evict;
        _clients = EntryOf("c");
    }

    public Action<long> Wake { get; }

    public Action<long, string> Evict { get; }

    public int Clients => _state.TotalOf(_clients);

    public static string DatabaseKey(string database) => "d\0" + database;

    public static string UserKey(string user) => "u\0" + user;

    public static string PoolKeyOf(string database, string user) => "p\0" + database + "\0" + user;

    public bool TryAddClient(int maxClients) => _clients < 0 || _state.TryTake(_clients, maxClients, _worker);

    public void RemoveClient()
    {
        if (_clients >= 0)
            Give(_clients);
    }

    public ServerSlotStatus TryAddServer(string database, string user, int maxDbConnections, int maxUserConnections,
        int maxPoolConnections = 0)
    {
        var dbKey = DatabaseKey(database);
        var userKey = UserKey(user);
        var poolKey = PoolKeyOf(database, user);
        var db = EntryOf(dbKey);
        var us = EntryOf(userKey);
        var pool = EntryOf(poolKey);
        if (!Take(db, maxDbConnections, dbKey))
            return ServerSlotStatus.DatabaseLimit;
        if (!Take(us, maxUserConnections, userKey))
        {
            Give(db);
            return ServerSlotStatus.UserLimit;
        }
        if (!Take(pool, maxPoolConnections, poolKey))
        {
            Give(us);
            Give(db);
            return ServerSlotStatus.PoolLimit;
        }
        return ServerSlotStatus.Granted;
    }

    public void RemoveServer(string database, string user)
    {
        Give(EntryOf(PoolKeyOf(database, user)));
        Give(EntryOf(UserKey(user)));
        Give(EntryOf(DatabaseKey(database)));
    }

    public int ServersOfDatabase(string database) => _state.TotalOf(EntryOf(DatabaseKey(database)));

    public int ServersOfUser(string user) => _state.TotalOf(EntryOf(UserKey(user)));

    public bool OthersWaitFor(string database, string user) =>
        OthersWait(EntryOf(PoolKeyOf(database, user))) || OthersWait(EntryOf(DatabaseKey(database))) || OthersWait(EntryOf(UserKey(user)));

    /// <summary>Servers of a pool across every worker (tests, admin).</summary>
    public int ServersOfPool(string database, string user) => _state.TotalOf(EntryOf(PoolKeyOf(database, user)));

    private bool OthersWait(int index) => index >= 0 && (_state.WaitersOf(index) & ~(1L << _worker)) != 0;

    /// <summary>Take a slot; when refused, queue as a waiter, ask the holders for an idle server, and check once
    /// more (a slot given back between the refusal and the queueing would otherwise wake nobody).</summary>
    private bool Take(int index, int limit, string key)
    {
        if (index < 0 || _state.TryTake(index, limit, _worker))
            return true;
        _state.AddWaiter(index, _worker);
        if (_state.TryTake(index, limit, _worker))
            return true;
        var holders = _state.HoldersOf(index, _worker);
        if (holders != 0)
            Evict(holders, key);
        return false;
    }

    private void Give(int index)
    {
        if (index < 0)
            return;
        var waiters = _state.Give(index, _worker) & ~(1L << _worker);
        if (waiters != 0)
            Wake(waiters);
    }

    private int EntryOf(string key)
    {
        if (!_entries.TryGetValue(key, out var index))
        {
            // A full table counts nothing for new keys (limits of those keys are then per worker); it holds 4096.
            index = _state.Find(SharedState.KeyOf(key));
            _entries[key] = index;
        }
        return index;
    }
}
