// The shared-memory counters themselves: find-or-claim an entry by key, take and give back slots, wake-up masks.
using System.Numerics;
using System.Text;
using Pooler.Io;

namespace Pooler.Shared;

/// <summary>
/// Limits that hold across processes. <see cref="TryTake"/> raises an entry's total by compare-and-swap only while
/// it is below the limit, so no interleaving of workers can exceed it; each worker's own share is kept beside it so
/// <see cref="ReclaimWorker"/> can give back what a dead worker held. Thread-safe (any process, any thread).
/// </summary>
internal sealed class SharedState : IDisposable
{
    private readonly SharedRegion _region;
    private readonly bool _owner;
    private readonly string _path;

    private SharedState(SharedRegion region, string path, bool owner)
    {
        _region = region;
        _path = path;
        _owner = owner;
    }

    public string Path => _path;

    /// <summary>The mapping itself, for tables kept beside the counters (<see cref="SharedStatsTable"/>).</summary>
    internal SharedRegion Region => _region;

    /// <summary>Supervisor: create the region (0600) at <paramref name="path"/>.</summary>
    public static SharedState Create(string path)
    {
        var region = SharedRegion.Create(path, SharedLayout.Size);
        region.Int32At(4) = SharedLayout.Version;
        region.Int32At(8) = SharedLayout.MaxWorkers;
        Volatile.Write(ref region.Int32At(0), SharedLayout.Magic);
        return new SharedState(region, path, owner: true);
    }

    /// <summary>Worker: map the region the supervisor created.</summary>
    public static SharedState Open(string path)
    {
        var region = SharedRegion.Open(path, SharedLayout.Size);
        if (Volatile.Read(ref region.Int32At(0)) != SharedLayout.Magic || region.Int32At(4) != SharedLayout.Version)
        {
            region.Dispose();
            throw new InvalidDataException($"{path} is not a pooler shared-memory region of version {SharedLayout.Version}");
        }
        return new SharedState(region, path, owner: false);
    }

    /// <summary>A stable 64-bit key (FNV-1a over UTF-8), never 0 (0 marks a free entry).</summary>
    public static long KeyOf(string key)
    {
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h == 0 ? 1 : (long)h;
    }

    /// <summary>The entry index for <paramref name="key"/>, claiming a free one if needed; -1 when the table is full.</summary>
    public int Find(long key)
    {
        var start = (int)((ulong)key % SharedLayout.Capacity);
        for (var i = 0; i < SharedLayout.Capacity; i++)
        {
            var index = (start + i) % SharedLayout.Capacity;
            ref var slot = ref _region.Int64At(SharedLayout.Entry(index) + SharedLayout.EntryHashOffset);
            var seen = Volatile.Read(ref slot);
            if (seen == key)
                return index;
            if (seen == 0)
            {
                seen = Interlocked.CompareExchange(ref slot, key, 0);
                if (seen == 0 || seen == key)
                    return index;
            }
        }
        return -1;
    }

    /// <summary>Take one slot of entry <paramref name="index"/> for <paramref name="worker"/> unless
    /// <paramref name="limit"/> (0 = unlimited) are taken.</summary>
    public bool TryTake(int index, int limit, int worker)
    {
        ref var total = ref Total(index);
        while (true)
        {
            var seen = Volatile.Read(ref total);
            if (limit > 0 && seen >= limit)
                return false;
            if (Interlocked.CompareExchange(ref total, seen + 1, seen) == seen)
                break;
        }
        Interlocked.Increment(ref PerWorker(index, worker));
        return true;
    }

    /// <summary>How long a hungry worker may go without handing a server to a waiting client before a worker with
    /// servers of the pool gives it one even though neither is above its fair share (hysteresis against churn).</summary>
    public const long StarveMs = 100;

    /// <summary>Milliseconds on a clock every process of the machine shares (CLOCK_MONOTONIC underneath).</summary>
    public static long NowMs => Environment.TickCount64;

    /// <summary>
    /// Pool entries: take a slot unless <paramref name="limit"/> are taken or the free slots are owed to another
    /// worker (one below its fair share while this one is at or above it, or one that holds nothing and has starved
    /// longer than this one). Returns the waiters to wake on success when slots are still free (a slot taken past a
    /// refused worker must not leave it asleep), or -1 when refused.
    /// </summary>
    public long TryTakeFair(int index, int limit, int worker, long now)
    {
        if (Owed(index, limit, worker, now, yielding: false))
            return -1;
        if (!TryTake(index, limit, worker))
            return -1;
        if (Volatile.Read(ref Waiters(index)) == 0 || (limit > 0 && Volatile.Read(ref Total(index)) >= limit))
            return 0;
        return Interlocked.Exchange(ref Waiters(index), 0) & ~(1L << worker);
    }

    /// <summary>Whether <paramref name="worker"/> should close a server of this pool entry it would otherwise reuse or
    /// park, so that a hungry worker below its fair share, or one starving with no server at all, can open one.</summary>
    public bool ShouldYield(int index, int limit, int worker, long now) => Owed(index, limit, worker, now, yielding: true);

    /// <summary>
    /// Fair share = ceil(limit / n) with n = the workers holding or wanting slots. Yielding: this worker holds more
    /// than that while a hungry one holds less, or a hungry one holds nothing and has not served a client for
    /// <see cref="StarveMs"/> (and, when this worker is hungry too, for longer than this one). Taking: refused when at or above the share while a hungry one is below it, or when a
    /// hungry one with nothing has starved longer than this worker.
    /// </summary>
    private bool Owed(int index, int limit, int worker, long now, bool yielding)
    {
        var me = 1L << worker;
        var others = Volatile.Read(ref Hungry(index)) & ~me;
        if (others == 0 || limit <= 0)
            return false;
        var mine = CountOf(index, worker);
        if (yielding && mine == 0)
            return false;
        var participants = others | me;
        for (var w = 0; w < SharedLayout.MaxWorkers; w++)
        {
            if (Volatile.Read(ref PerWorker(index, w)) > 0)
                participants |= 1L << w;
        }
        var n = BitOperations.PopCount((ulong)participants);
        var fair = (limit + n - 1) / n;
        var over = yielding ? mine > fair : mine >= fair;
        var myProgress = (Volatile.Read(ref Hungry(index)) & me) != 0 ? Volatile.Read(ref Progress(index, worker)) : now;
        for (var rest = others; rest != 0; rest &= rest - 1)
        {
            var w = BitOperations.TrailingZeroCount(rest);
            var count = Volatile.Read(ref PerWorker(index, w));
            if (over && count < fair)
                return true;
            if (count == 0)
            {
                var progress = Volatile.Read(ref Progress(index, w));
                // Only to one starving longer than this worker: a worker that is itself starving keeps the server
                // (else a server logged in for its long-waiting client went straight back when the login took
                // longer than StarveMs, and the client waited another round).
                if (now - progress >= StarveMs && progress < myProgress)
                    return true;
            }
        }
        return false;
    }

    /// <summary>Mark <paramref name="worker"/> hungry for this entry (clients wait for a slot); its starvation clock
    /// starts now unless it already was.</summary>
    public void SetHungry(int index, int worker, long now)
    {
        var bit = 1L << worker;
        if ((Volatile.Read(ref Hungry(index)) & bit) != 0)
            return;
        Volatile.Write(ref Progress(index, worker), now);
        Interlocked.Or(ref Hungry(index), bit);
    }

    /// <summary>A hungry worker handed a server to a waiting client: it is not starving.</summary>
    public void Served(int index, int worker, long now) => Volatile.Write(ref Progress(index, worker), now);

    /// <summary>The worker needs no more slots of this entry; returns the waiters to wake (a slot refused to them
    /// because it was owed to this worker is free for them now). With all <paramref name="limit"/> slots taken
    /// nothing was freed: the waiters stay recorded and the next <see cref="Give"/> wakes them. (Waking them anyway
    /// cost a message through the supervisor and a refused retry each time a busy worker's queue ran empty.)</summary>
    public long ClearHungry(int index, int worker, int limit)
    {
        var bit = 1L << worker;
        var before = Interlocked.And(ref Hungry(index), ~bit);
        if ((before & bit) == 0 || Volatile.Read(ref Waiters(index)) == 0)
            return 0;
        if (limit > 0 && Volatile.Read(ref Total(index)) >= limit)
            return 0;
        return Interlocked.Exchange(ref Waiters(index), 0) & ~bit;
    }

    public long HungryOf(int index) => index < 0 ? 0 : Volatile.Read(ref Hungry(index));

    /// <summary>Give back one slot; returns the mask of workers that waited for this entry (now cleared).</summary>
    public long Give(int index, int worker)
    {
        ref var mine = ref PerWorker(index, worker);
        if (Volatile.Read(ref mine) <= 0)
            return 0;
        Interlocked.Decrement(ref mine);
        Interlocked.Decrement(ref Total(index));
        return Volatile.Read(ref Waiters(index)) == 0 ? 0 : Interlocked.Exchange(ref Waiters(index), 0);
    }

    /// <summary>Note that <paramref name="worker"/> waits for a slot of this entry (it re-checks after, so a
    /// release between its refusal and this call is not missed).</summary>
    public void AddWaiter(int index, int worker) => Interlocked.Or(ref Waiters(index), 1L << worker);

    public long WaitersOf(int index) => index < 0 ? 0 : Volatile.Read(ref Waiters(index));

    public int TotalOf(int index) => index < 0 ? 0 : Volatile.Read(ref Total(index));

    public int CountOf(int index, int worker) => index < 0 ? 0 : Volatile.Read(ref PerWorker(index, worker));

    /// <summary>The workers (as a mask) holding slots of this entry, other than <paramref name="except"/>.</summary>
    public long HoldersOf(int index, int except)
    {
        long mask = 0;
        for (var w = 0; w < SharedLayout.MaxWorkers; w++)
        {
            if (w != except && Volatile.Read(ref PerWorker(index, w)) > 0)
                mask |= 1L << w;
        }
        return mask;
    }

    /// <summary>Supervisor, after a worker died: give back every slot it held; returns the waiters to wake.</summary>
    public long ReclaimWorker(int worker)
    {
        long wake = 0;
        for (var i = 0; i < SharedLayout.Capacity; i++)
        {
            if (Volatile.Read(ref _region.Int64At(SharedLayout.Entry(i))) == 0)
                continue;
            Interlocked.And(ref Hungry(i), ~(1L << worker));
            var held = Interlocked.Exchange(ref PerWorker(i, worker), 0);
            if (held > 0)
            {
                Interlocked.Add(ref Total(i), -held);
                wake |= Interlocked.Exchange(ref Waiters(i), 0);
            }
        }
        return wake & ~(1L << worker);
    }

    /// <summary>Worker liveness row: its pid (0 = not running) and a generation bumped at every start.</summary>
    public void SetWorker(int worker, int pid)
    {
        var row = SharedLayout.WorkerRow(worker);
        if (pid != 0)
            Interlocked.Increment(ref _region.Int32At(row + 4));
        Volatile.Write(ref _region.Int32At(row), pid);
    }

    /// <summary>Worker: one of its client sessions ended (the supervisor's load figure is handed − ended).</summary>
    public void AddEnded(int worker) => Interlocked.Increment(ref _region.Int32At(SharedLayout.WorkerRow(worker) + 8));

    public int EndedOf(int worker) => Volatile.Read(ref _region.Int32At(SharedLayout.WorkerRow(worker) + 8));

    /// <summary>Worker: it accepted a client itself (workers_accept; the supervisor's load figure adds these to the
    /// clients it handed over).</summary>
    public void AddAccepted(int worker) => Interlocked.Increment(ref _region.Int32At(SharedLayout.WorkerRow(worker) + 16));

    public int AcceptedOf(int worker) => Volatile.Read(ref _region.Int32At(SharedLayout.WorkerRow(worker) + 16));

    /// <summary>Supervisor, before (re)starting a worker: its session counts start from zero.</summary>
    public void ResetEnded(int worker)
    {
        Volatile.Write(ref _region.Int32At(SharedLayout.WorkerRow(worker) + 8), 0);
        Volatile.Write(ref _region.Int32At(SharedLayout.WorkerRow(worker) + 16), 0);
    }

    public int PidOf(int worker) => Volatile.Read(ref _region.Int32At(SharedLayout.WorkerRow(worker)));

    public int GenerationOf(int worker) => Volatile.Read(ref _region.Int32At(SharedLayout.WorkerRow(worker) + 4));

    private ref int Total(int index) => ref _region.Int32At(SharedLayout.Entry(index) + SharedLayout.EntryTotalOffset);

    private ref long Waiters(int index) => ref _region.Int64At(SharedLayout.Entry(index) + SharedLayout.EntryWaitersOffset);

    private ref long Hungry(int index) => ref _region.Int64At(SharedLayout.Entry(index) + SharedLayout.EntryHungryOffset);

    private ref long Progress(int index, int worker) =>
        ref _region.Int64At(SharedLayout.Entry(index) + SharedLayout.EntryProgressOffset + 8L * worker);

    private ref int PerWorker(int index, int worker) =>
        ref _region.Int32At(SharedLayout.Entry(index) + SharedLayout.EntryPerWorkerOffset + 4L * worker);

    public void Dispose()
    {
        _region.Dispose();
        if (_owner)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
                // Best effort: /dev/shm is cleaned at reboot.
            }
        }
    }
}
