// A row of 64-bit counters, in shared memory or in a pinned array: refs to each without a check per access.
using System.Runtime.CompilerServices;

namespace Pooler.Io;

/// <summary>
/// <see cref="Count"/> longs at a fixed address, bounds checked once when the row is made (by
/// <see cref="SharedRegion.CounterRow"/> or <see cref="Local"/>) and never again: the data path increments these on
/// every message, where a check per increment would cost more than the increment. The indexer does not check the
/// index either; callers use constants below <see cref="Count"/>. A shared row lives as long as its region's mapping
/// (a worker keeps the mapping until it exits); a local row keeps its pinned array alive itself.
/// </summary>
public readonly unsafe struct SharedCounterRow
{
    private readonly long* _values;

    // Roots the pinned array of a local row (null for a row in shared memory).
    private readonly long[]? _local;

    internal SharedCounterRow(long* values, int count, long[]? local)
    {
        _values = values;
        _local = local;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Whether the row is in shared memory (false: process-local, or default).</summary>
    public bool IsShared => _values != null && _local is null;

    /// <summary>Whether the row points anywhere (default(SharedCounterRow) does not).</summary>
    public bool IsValid => _values != null;

    /// <summary>A process-local row of <paramref name="count"/> zeroed counters (one process, tests, or a full table).</summary>
    public static SharedCounterRow Local(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var array = GC.AllocateArray<long>(count, pinned: true);
        return new SharedCounterRow((long*)Unsafe.AsPointer(ref array[0]), count, array);
    }

    /// <summary>Counter <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>, not checked).</summary>
    public ref long this[int index] => ref _values[index];
}
