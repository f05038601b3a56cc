// Per-loop pool of the boxes that hold a completion-based send's pin: a connection holds one only while a send is in
// flight, instead of a 24-byte MemoryHandle field on every connection (most of them idle).
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Pooler.Io;

/// <summary>Loop thread only, like the connections, hence no locking; at most <c>capacity</c> free boxes are kept.</summary>
internal sealed class SendPinPool(int capacity = 256)
{
    private readonly Stack<StrongBox<MemoryHandle>> _free = new();

    /// <summary>Pins <paramref name="memory"/> (the kernel reads it until the send completes) in a box from the pool.</summary>
    public StrongBox<MemoryHandle> Pin(ReadOnlyMemory<byte> memory) => Hold(memory.Pin());

    /// <summary>Holds a send's memory handle (a pin, or the address of a pinned block) in a box from the pool.</summary>
    public StrongBox<MemoryHandle> Hold(MemoryHandle handle)
    {
        var box = _free.TryPop(out var free) ? free : new StrongBox<MemoryHandle>();
        box.Value = handle;
        return box;
    }

    /// <summary>Unpins the memory and takes the box back.</summary>
    public void Release(StrongBox<MemoryHandle> box)
    {
        box.Value.Dispose();
        box.Value = default;
        if (_free.Count < capacity)
            _free.Push(box);
    }
}
