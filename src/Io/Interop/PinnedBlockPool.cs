// Pipe segment memory in pinned arrays (the pinned object heap), so that an io_uring send hands the kernel a pointer
// at once: array-backed memory paid a pinned GCHandle allocation and free on every send.
using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Pooler.Io;

/// <summary>
/// Fixed-size blocks, each its own <see cref="MemoryManager{T}"/> whose <see cref="MemoryManager{T}.Pin"/> costs
/// nothing (the array never moves). <see cref="MaxBufferSize"/> is the block size, so a pipe asked for more rents
/// that segment from the shared array pool itself (a direct larger request gets shared-pool memory too). At most <c>capacity</c> free blocks are kept (the rest become
/// garbage); blocks exist only while bytes are buffered, as with the array pool.
/// </summary>
internal sealed class PinnedBlockPool(int blockSize, int capacity) : MemoryPool<byte>
{
    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public override int MaxBufferSize => blockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > blockSize)
            return Shared.Rent(minBufferSize); // callers that ignore MaxBufferSize (the portable backend's socket pipes)
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Rented = true;
            return block;
        }
        return new Block(this, blockSize) { Rented = true };
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= capacity)
        {
            _free.Enqueue(block);
            return;
        }
        Interlocked.Decrement(ref _freeCount);
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private sealed class Block(PinnedBlockPool pool, int size) : MemoryManager<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(size, pinned: true);

        public bool Rented { get; set; }

        public override Span<byte> GetSpan() => _array;

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)_array.Length, nameof(elementIndex));
            return new MemoryHandle(Unsafe.AsPointer(ref Unsafe.Add(ref _array[0], elementIndex)));
        }

        public override void Unpin()
        {
        }

        // IMemoryOwner.Dispose: the pipe is done with the segment.
        protected override void Dispose(bool disposing)
        {
            if (!Rented) return; // a second Dispose must not queue the block twice
            Rented = false;
            pool.Return(this);
        }
    }
}
