// A memory-mapped file shared between processes, seen as refs to aligned ints/longs so callers can use Interlocked.
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace Pooler.Io;

/// <summary>
/// A shared mapping of a file (on Linux usually under /dev/shm). The creator sizes and zero-fills it; other
/// processes open it by path. Offsets must be aligned to the size of the value read (4 or 8); atomic operations
/// on the returned refs are atomic across processes (the same physical page in every mapping).
/// </summary>
public sealed unsafe class SharedRegion : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;

    private SharedRegion(MemoryMappedFile file, long size)
    {
        _file = file;
        _view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
        _base += _view.PointerOffset;
        Size = size;
    }

    public long Size { get; }

    /// <summary>Create (or truncate and zero) <paramref name="path"/> with <paramref name="size"/> bytes, mode 0600.</summary>
    public static SharedRegion Create(string path, long size)
    {
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            stream.SetLength(size);
        }
        return Open(path, size);
    }

    /// <summary>Map an existing region created by <see cref="Create"/>.</summary>
    public static SharedRegion Open(string path, long size)
    {
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, size, MemoryMappedFileAccess.ReadWrite);
        return new SharedRegion(file, size);
    }

    public ref int Int32At(long offset)
    {
        Check(offset, 4);
        return ref Unsafe.AsRef<int>(_base + offset);
    }

    public ref long Int64At(long offset)
    {
        Check(offset, 8);
        return ref Unsafe.AsRef<long>(_base + offset);
    }

    /// <summary>A row of <paramref name="count"/> longs at <paramref name="offset"/>, checked here once: its refs are
    /// not checked again (see <see cref="SharedCounterRow"/>). Valid while this region is mapped.</summary>
    public SharedCounterRow CounterRow(long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Check(offset, 8);
        Check(offset + 8L * (count - 1), 8);
        return new SharedCounterRow((long*)(_base + offset), count, local: null);
    }

    /// <summary>The bytes at <paramref name="offset"/> (strings stored beside counters), valid while mapped.</summary>
    public Span<byte> BytesAt(long offset, int length)
    {
        Check(offset, 1);
        if (length < 0 || offset + length > Size)
            throw new ArgumentOutOfRangeException(nameof(length), $"{length} bytes at {offset} outside the region");
        return new Span<byte>(_base + offset, length);
    }

    private void Check(long offset, int size)
    {
        if (_base == null)
            throw new ObjectDisposedException(nameof(SharedRegion));
        if (offset < 0 || offset + size > Size || offset % size != 0)
            throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} (size {size}) outside or misaligned");
    }

    public void Dispose()
    {
        if (_base == null)
            return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
