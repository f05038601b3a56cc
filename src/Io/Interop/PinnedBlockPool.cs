// Send memory in pinned arrays (the pinned object heap), so that an io_uring send hands the kernel a pointer at
// once: pinning ordinary array memory cost a GCHandle allocation and free on every send.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pooler.Io;

/// <summary>
/// Fixed-size blocks for one loop's send buffers (loop thread only, hence no locking). At most <c>capacity</c> free
/// blocks are kept; the rest become garbage. Blocks exist only while bytes wait to be sent.
/// </summary>
internal sealed class PinnedBlockPool(int blockSize, int capacity)
{
    private readonly Stack<byte[]> _free = new();

    public int BlockSize => blockSize;

    public byte[] Rent() => _free.TryPop(out var block) ? block : GC.AllocateUninitializedArray<byte>(blockSize, pinned: true);

    public void Return(byte[] block)
    {
        if (_free.Count < capacity) _free.Push(block);
    }

    /// <summary>A handle to memory inside a block from <see cref="Rent"/>: its address, with nothing to free (the
    /// block never moves).</summary>
    public static unsafe MemoryHandle Handle(ReadOnlyMemory<byte> inBlock) =>
        new(Unsafe.AsPointer(ref MemoryMarshal.GetReference(inBlock.Span)));
}
