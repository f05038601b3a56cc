// Per-loop pool of send buffers: a connection rents one only while it has bytes to send, so an idle connection
// holds none. Loop thread only, hence no locking.
using System.IO.Pipelines;

namespace Pooler.Io;

internal sealed class SendBufferPool(PinnedBlockPool? blocks, int minimumSegment, PipeScheduler scheduler, int capacity = 256)
{
    private readonly Stack<SendBuffer> _free = new();

    public SendBuffer Rent() => _free.TryPop(out var buffer) ? buffer : new SendBuffer(blocks, minimumSegment, scheduler);

    /// <summary>Takes back a buffer nobody refers to any more (no writer memory out, no flush waiting).</summary>
    public void Return(SendBuffer buffer)
    {
        buffer.Clear();
        if (_free.Count < capacity) _free.Push(buffer);
    }
}
