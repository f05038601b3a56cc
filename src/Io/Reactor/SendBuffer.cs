// Bytes an FdConnection's application wrote that the socket has not taken yet: segments written at the tail and
// sent from the head, on the loop thread only. It replaces a rented System.IO.Pipelines Pipe, whose lock on every
// write, flush, read and advance (and whose reset per rental) made the send side a quarter of the pooler's user time.
using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace Pooler.Io;

/// <summary>
/// Order of the bytes: [sent | flushed, not yet sent | committed, not yet flushed | memory lent to the writer]. Only
/// flushed bytes are sent, so the application's batching of messages into one flush is what reaches the socket. A
/// flush that leaves <c>pause</c> bytes unsent waits (this is its <see cref="IValueTaskSource{T}"/>) until sends bring
/// them under <c>resume</c>, or the connection ends.
/// </summary>
internal sealed class SendBuffer(PinnedBlockPool? blocks, int minimumSegment, PipeScheduler scheduler) : IValueTaskSource<FlushResult>
{
    // Plain arrays, so that writing and sending index them directly (a MemoryManager's span costs a virtual call).
    private struct Segment
    {
        public byte[] Array;
        public bool Pinned;  // a block of the pinned pool (else the shared ArrayPool's)
        public int Start;    // first unsent byte
        public int End;      // end of the committed bytes
    }

    private Segment[] _segments = new Segment[4];                     // a ring; the length is a power of two
    private int _head, _count;
    private long _unflushed;
    private long _unsent;
    private ManualResetValueTaskSourceCore<FlushResult> _flush;
    private FlushResult _flushResult;

    public long UnflushedBytes => _unflushed;

    /// <summary>Flushed bytes the socket has not taken yet.</summary>
    public long UnsentBytes => _unsent;

    public bool IsEmpty => _unflushed == 0 && _unsent == 0;

    /// <summary>A flush waits for the sends to catch up.</summary>
    public bool FlushPending { get; private set; }

    public Memory<byte> GetMemory(int sizeHint)
    {
        if (sizeHint < 1) sizeHint = 1;
        if (_count > 0)
        {
            ref var tail = ref Tail;
            if (tail.Array.Length - tail.End >= sizeHint)
                return tail.Array.AsMemory(tail.End);
        }
        var size = Math.Max(sizeHint, minimumSegment);
        var segment = blocks is not null && size <= blocks.BlockSize
            ? new Segment { Array = blocks.Rent(), Pinned = true }
            : new Segment { Array = ArrayPool<byte>.Shared.Rent(size) };
        Append(segment);
        return segment.Array;
    }

    public void Advance(int bytes)
    {
        if (bytes == 0) return;
        if (_count == 0) throw new InvalidOperationException("Advance without GetMemory or GetSpan.");
        ref var tail = ref Tail;
        if ((uint)bytes > (uint)(tail.Array.Length - tail.End))
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "more than the memory handed out");
        tail.End += bytes;
        _unflushed += bytes;
    }

    /// <summary>What was committed becomes sendable.</summary>
    public void Flush()
    {
        _unsent += _unflushed;
        _unflushed = 0;
    }

    /// <summary>The first run of flushed, unsent bytes (within one segment); false when there are none.
    /// <paramref name="pinned"/>: the run lies in a pinned block (its address holds until it is consumed).</summary>
    public bool TryGetSendable(out ReadOnlyMemory<byte> chunk, out bool pinned)
    {
        while (_unsent > 0)
        {
            ref var head = ref _segments[_head];
            int available = head.End - head.Start;
            if (available == 0)
            {
                ReleaseHead(); // an empty segment left behind when a larger one was needed: not the tail, as bytes follow
                continue;
            }
            chunk = head.Array.AsMemory(head.Start, (int)Math.Min(available, _unsent));
            pinned = head.Pinned;
            return true;
        }
        chunk = default;
        pinned = false;
        return false;
    }

    /// <summary>The socket took <paramref name="bytes"/> of the chunk from <see cref="TryGetSendable"/>.</summary>
    public void Consume(int bytes)
    {
        ref var head = ref _segments[_head];
        head.Start += bytes;
        _unsent -= bytes;
        // The tail stays even when sent: the writer may hold memory after its End.
        if (head.Start == head.End && _count > 1)
            ReleaseHead();
    }

    /// <summary>Returns a flush that completes once sends have brought the unsent bytes under the resume mark.</summary>
    public ValueTask<FlushResult> WaitFlush()
    {
        _flush.Reset();
        FlushPending = true;
        return new ValueTask<FlushResult>(this, _flush.Version);
    }

    /// <summary>Completes the waiting flush, through the loop's scheduler: like a Pipe's, its continuation never
    /// runs inside the send or close that completed it.</summary>
    public void CompleteFlush(FlushResult result)
    {
        if (!FlushPending) return;
        FlushPending = false;
        _flushResult = result;
        scheduler.Schedule(static s => { var b = (SendBuffer)s!; b._flush.SetResult(b._flushResult); }, this);
    }

    /// <summary>Drops every byte (writes after the connection's end) and gives the memory back.</summary>
    public void Clear()
    {
        while (_count > 0)
            ReleaseHead();
        _head = 0;
        _unflushed = 0;
        _unsent = 0;
    }

    FlushResult IValueTaskSource<FlushResult>.GetResult(short token) => _flush.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<FlushResult>.GetStatus(short token) => _flush.GetStatus(token);

    void IValueTaskSource<FlushResult>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _flush.OnCompleted(continuation, state, token, flags);

    private ref Segment Tail => ref _segments[(_head + _count - 1) & (_segments.Length - 1)];

    private void Append(in Segment segment)
    {
        if (_count == _segments.Length)
        {
            var grown = new Segment[_segments.Length * 2];
            for (int i = 0; i < _count; i++)
                grown[i] = _segments[(_head + i) & (_segments.Length - 1)];
            _segments = grown;
            _head = 0;
        }
        _segments[(_head + _count) & (_segments.Length - 1)] = segment;
        _count++;
    }

    private void ReleaseHead()
    {
        ref var head = ref _segments[_head];
        if (head.Pinned) blocks!.Return(head.Array);
        else ArrayPool<byte>.Shared.Return(head.Array);
        head = default;
        _head = (_head + 1) & (_segments.Length - 1);
        _count--;
    }
}
