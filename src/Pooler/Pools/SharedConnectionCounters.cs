// Connection counters in shared memory (workers > 0): limits hold across every worker process at every moment.
using Pooler.Shared;

namespace Pooler.Pools;

/// <summary>
/// One worker's view of the shared counters. Entries: "c" (clients), "d\0DB" (servers of a database), "u\0USER"
/// (servers of a user), "p\0DB\0USER" (servers of a pool). A refused worker records itself as a waiter on the
/// entry that refused it and asks the workers holding that entry to close an idle server; whoever then gives a
/// slot back wakes the waiters (<see cref="Wake"/>), so nobody polls. A pool's slots are shared fairly: a worker
/// refused at the pool entry is "hungry", and a worker above its fair share closes a released server
/// (<see cref="ShouldYield"/>) only while a hungry one is below it, so the split settles instead of churning.
/// </summary>
internal sealed class SharedConnectionCounters : IConnectionCounters
{
    private readonly SharedState _state;
    private readonly int _worker;
    private readonly Dictionary<string, int> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Database, string User), (int Db, int User, int Pool)> _pools = [];
    private readonly int _clients;

    // Pool entries this worker is marked hungry for (mirrors its bit in shared memory, read on the hot path).
    private readonly bool[] _hungry = new bool[SharedLayout.Capacity];

    // When this worker last asked the holders of a pool entry for an idle server: at most once per hand-over
    // hysteresis (they hand over only servers idle that long, or what is above their share, which one request shows).
    private readonly long[] _asked = new long[SharedLayout.Capacity];

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
        var (db, us, pool) = EntriesOf(database, user);
        if (!Take(db, maxDbConnections))
        {
            AskHolders(db, DatabaseKey(database));
            return ServerSlotStatus.DatabaseLimit;
        }
        if (!Take(us, maxUserConnections))
        {
            AskHolders(us, UserKey(user));
            Give(db);
            return ServerSlotStatus.UserLimit;
        }
        if (!TakePool(pool, maxPoolConnections, database, user))
        {
            Give(us);
            Give(db);
            return ServerSlotStatus.PoolLimit;
        }
        return ServerSlotStatus.Granted;
    }

    public void RemoveServer(string database, string user)
    {
        var (db, us, pool) = EntriesOf(database, user);
        Give(pool);
        Give(us);
        Give(db);
    }

    public int ServersOfDatabase(string database) => _state.TotalOf(EntryOf(DatabaseKey(database)));

    public int ServersOfUser(string user) => _state.TotalOf(EntryOf(UserKey(user)));

    /// <summary>Only the database and user limits: the pool's own slots are shared by <see cref="ShouldYield"/>.</summary>
    public bool OthersWaitFor(string database, string user)
    {
        var (db, us, _) = EntriesOf(database, user);
        return OthersWait(db) || OthersWait(us);
    }

    public int PoolEntry(string database, string user) => EntriesOf(database, user).Pool;

    public bool ShouldYield(int entry, int limit) =>
        entry >= 0 && _state.ShouldYield(entry, limit, _worker, SharedState.NowMs);

    public bool OthersHungry(int entry) => entry >= 0 && (_state.HungryOf(entry) & ~(1L << _worker)) != 0;

    public void Served(int entry)
    {
        if (entry >= 0 && _hungry[entry])
            _state.Served(entry, _worker, SharedState.NowMs);
    }

    public void Satisfied(int entry, int limit)
    {
        if (entry < 0 || !_hungry[entry])
            return;
        _hungry[entry] = false;
        var wake = _state.ClearHungry(entry, _worker, limit);
        if (wake != 0)
            Wake(wake);
    }

    /// <summary>Servers of a pool across every worker (tests, admin).</summary>
    public int ServersOfPool(string database, string user) => _state.TotalOf(EntryOf(PoolKeyOf(database, user)));

    private bool OthersWait(int index) => index >= 0 && (_state.WaitersOf(index) & ~(1L << _worker)) != 0;

    /// <summary>Take a slot; when refused, queue as a waiter and check once more (a slot given back between the
    /// refusal and the queueing would otherwise wake nobody).</summary>
    private bool Take(int index, int limit)
    {
        if (index < 0 || _state.TryTake(index, limit, _worker))
            return true;
        _state.AddWaiter(index, _worker);
        return _state.TryTake(index, limit, _worker);
    }

    /// <summary>Refused: ask the other workers holding slots of <paramref name="key"/> to close an idle server.</summary>
    private void AskHolders(int index, string key)
    {
        var holders = _state.HoldersOf(index, _worker);
        if (holders != 0)
            Evict(holders, key);
    }

    /// <summary>
    /// The pool entry: like <see cref="Take"/>, but slots owed to a hungry worker below its fair share are not taken,
    /// and a refusal marks this worker hungry. Asking the holders to close an idle server is only a request: they
    /// close one if they are above their share or the server has been idle for a while (see WorkerHost).
    /// </summary>
    private bool TakePool(int index, int limit, string database, string user)
    {
        if (index < 0)
            return true;
        var now = SharedState.NowMs;
        var wake = _state.TryTakeFair(index, limit, _worker, now);
        if (wake < 0)
        {
            _state.SetHungry(index, _worker, now);
            _hungry[index] = true;
            _state.AddWaiter(index, _worker);
            wake = _state.TryTakeFair(index, limit, _worker, now);
            if (wake < 0)
            {
                if (now - _asked[index] >= SharedState.StarveMs && _state.HoldersOf(index, _worker) is var holders and not 0)
                {
                    _asked[index] = now;
                    Evict(holders, PoolKeyOf(database, user));
                }
                return false;
            }
        }
        if (wake != 0)
            Wake(wake);
        return true;
    }

    private void Give(int index)
    {
        if (index < 0)
            return;
        var waiters = _state.Give(index, _worker) & ~(1L << _worker);
        if (waiters != 0)
            Wake(waiters);
    }

    /// <summary>The database, user and pool entries of a pool, looked up once: they are asked for on every server
    /// parked idle and every launch, where building the three key strings each time was pure garbage.</summary>
    private (int Db, int User, int Pool) EntriesOf(string database, string user)
    {
        if (!_pools.TryGetValue((database, user), out var entries))
        {
            entries = (EntryOf(DatabaseKey(database)), EntryOf(UserKey(user)), EntryOf(PoolKeyOf(database, user)));
            _pools[(database, user)] = entries;
        }
        return entries;
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
