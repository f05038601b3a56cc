// Per-worker tables of pool statistics rows in shared memory: a worker claims its rows, anyone sums them.
using System.Text;
using Pooler.Io;
using Pooler.Pools;
using Pooler.Stats;

namespace Pooler.Shared;

/// <summary>
/// Each worker owns <see cref="SharedLayout.StatsRows"/> rows, filled in order: only that worker's loop thread writes
/// them (its counters with plain stores, see <see cref="PoolStats"/>), so claiming needs no compare-and-swap. A row
/// is written in full (name, then key) before the worker's count of rows in use is raised with a release store, so a
/// reader that sees the count sees the row. Rows are never freed: a worker restarted with the same index, or a pool
/// dropped and made again, finds its row by key and goes on counting from it; a dead worker's rows stay in the sums.
/// </summary>
internal sealed class SharedStatsTable(SharedState state)
{
    private readonly SharedRegion _region = state.Region;

    /// <summary>The key of a pool's row: the hash of the key its shared pool_size entry uses.</summary>
    public static long KeyOf(string database, string user) => SharedState.KeyOf(SharedConnectionCounters.PoolKeyOf(database, user));

    /// <summary>
    /// Worker <paramref name="worker"/>'s loop thread: its row for the pool (database, user), found or claimed, with
    /// the counts it already holds; false when all its rows are taken by other pools.
    /// </summary>
    public bool TryClaim(int worker, string database, string user, out SharedCounterRow row)
    {
        var key = KeyOf(database, user);
        ref var used = ref Used(worker);
        var count = Math.Clamp(Volatile.Read(ref used), 0, SharedLayout.StatsRows);
        for (var i = 0; i < count; i++)
        {
            var at = SharedLayout.StatsRow(worker, i);
            if (_region.Int64At(at + SharedLayout.StatsKeyOffset) == key)
            {
                row = Counters(at);
                return true;
            }
        }
        if (count == SharedLayout.StatsRows)
        {
            row = default;
            return false;
        }
        var fresh = SharedLayout.StatsRow(worker, count);
        // A worker that died between claiming and publishing may have left a name and a key here: overwrite them.
        // The counters are zero: rows are only published once, so they were never counted into.
        WriteName(fresh, database + "\0" + user);
        _region.Int64At(fresh + SharedLayout.StatsKeyOffset) = key;
        Volatile.Write(ref used, count + 1);
        row = Counters(fresh);
        return true;
    }

    /// <summary>Rows worker <paramref name="worker"/> has in use (tests, and the log when its table is full).</summary>
    public int UsedBy(int worker) => Math.Clamp(Volatile.Read(ref Used(worker)), 0, SharedLayout.StatsRows);

    /// <summary>Every pool's counters summed over all workers' rows, dead workers' included; by key. Any thread.</summary>
    public Dictionary<long, SharedPoolStats> Sum()
    {
        var sums = new Dictionary<long, SharedPoolStats>();
        for (var worker = 0; worker < SharedLayout.MaxWorkers; worker++)
        {
            var count = UsedBy(worker);
            for (var i = 0; i < count; i++)
            {
                var at = SharedLayout.StatsRow(worker, i);
                var key = Volatile.Read(ref _region.Int64At(at + SharedLayout.StatsKeyOffset));
                if (key == 0)
                    continue;
                var totals = PoolStats.TotalsOf(Counters(at));
                if (sums.TryGetValue(key, out var sum))
                {
                    sums[key] = sum with { Totals = sum.Totals.Add(totals) };
                    continue;
                }
                var (database, user) = ReadName(at);
                sums[key] = new SharedPoolStats(database, user, totals);
            }
        }
        return sums;
    }

    private SharedCounterRow Counters(long row) =>
        _region.CounterRow(row + SharedLayout.StatsCountersOffset, PoolStats.CounterCount);

    private ref int Used(int worker) =>
        ref _region.Int32At(SharedLayout.WorkerRow(worker) + SharedLayout.WorkerStatsUsedOffset);

    // A name too long for the row is left out (length 0): the row still counts, but only for a live pool of its key.
    private void WriteName(long row, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var length = bytes.Length <= SharedLayout.StatsNameMax ? bytes.Length : 0;
        bytes.AsSpan(0, length).CopyTo(_region.BytesAt(row + SharedLayout.StatsNameOffset, SharedLayout.StatsNameMax));
        _region.Int32At(row + SharedLayout.StatsNameLengthOffset) = length;
    }

    private (string? Database, string? User) ReadName(long row)
    {
        var length = _region.Int32At(row + SharedLayout.StatsNameLengthOffset);
        if (length <= 0 || length > SharedLayout.StatsNameMax)
            return (null, null);
        var name = Encoding.UTF8.GetString(_region.BytesAt(row + SharedLayout.StatsNameOffset, length));
        var split = name.IndexOf('\0', StringComparison.Ordinal);
        return split < 0 ? (null, null) : (name[..split], name[(split + 1)..]);
    }
}
