// Where things live in the shared-memory file: header, worker table, counter entries, per-worker pool statistics
// (all offsets aligned).
namespace Pooler.Shared;

/// <summary>
/// Layout of the region the supervisor creates and every worker maps. Header (64 bytes), then one 32-byte row per
/// worker (pid, generation, sessions ended, statistics rows in use, clients it accepted itself), then a fixed open-addressing table of counter
/// entries. An entry is a 64-bit key hash (0 = free, claimed by compare-and-swap), the total (taken by CAS against a
/// limit), a 64-bit mask of workers waiting for the entry to drop below its limit, a 64-bit mask of "hungry" workers
/// (clients of theirs wait for a slot of this pool: what fair shares are computed over), one count per worker (the
/// slots it owns, so the supervisor can give back a dead worker's share), and per worker the time (ms, system-wide
/// monotonic clock) its hungry pool last handed a server to a waiting client. Last, per worker, a table of
/// <see cref="StatsRows"/> pool statistics rows (<see cref="SharedStatsTable"/>): the pool's key hash, the counters of
/// <c>PoolStats</c>, and the pool's "database\0user" in UTF-8 so a reader can name a pool no live worker has; the
/// rows in use are counted at offset 12 of the worker's row. Only tmpfs pages that are written get memory, so unused rows cost nothing.
/// </summary>
internal static class SharedLayout
{
    public const int Magic = 0x504F4F4C; // "POOL"
    public const int Version = 4;

    /// <summary>Workers the region has rows for (the wake-up mask is 64 bits).</summary>
    public const int MaxWorkers = 64;

    public const int Capacity = 4096;

    public const int HeaderSize = 64;
    public const int WorkerRowSize = 32;
    public const int WorkersOffset = HeaderSize;

    public const int EntryHashOffset = 0;
    public const int EntryTotalOffset = 8;
    public const int EntryWaitersOffset = 16;
    public const int EntryHungryOffset = 24;
    public const int EntryPerWorkerOffset = 32;
    public const int EntryProgressOffset = EntryPerWorkerOffset + 4 * MaxWorkers;
    public const int EntrySize = EntryProgressOffset + 8 * MaxWorkers;

    public const int EntriesOffset = WorkersOffset + WorkerRowSize * MaxWorkers;

    /// <summary>Pools a worker keeps statistics for in shared memory; more fall back to process-local counters.</summary>
    public const int StatsRows = 512;

    public const int StatsKeyOffset = 0;
    public const int StatsCountersOffset = 8;
    public const int StatsNameLengthOffset = StatsCountersOffset + 8 * Stats.PoolStats.CounterCount;
    public const int StatsNameOffset = StatsNameLengthOffset + 8;
    public const int StatsRowSize = 256;
    public const int StatsNameMax = StatsRowSize - StatsNameOffset;

    /// <summary>Within a worker's row: how many of its statistics rows are in use (published after the row is written).</summary>
    public const int WorkerStatsUsedOffset = 12;

    // Page-aligned, so the statistics of each worker start on pages of their own.
    public const long StatsOffset = (EntriesOffset + (long)EntrySize * Capacity + 4095) / 4096 * 4096;

    public const long Size = StatsOffset + (long)StatsRowSize * StatsRows * MaxWorkers;

    public static long Entry(int index) => EntriesOffset + (long)EntrySize * index;

    public static long StatsRow(int worker, int row) => StatsOffset + (long)StatsRowSize * (StatsRows * (long)worker + row);

    public static long WorkerRow(int worker) => WorkersOffset + (long)WorkerRowSize * worker;
}
