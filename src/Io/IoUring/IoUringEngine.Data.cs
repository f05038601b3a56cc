// The io_uring data path: a multishot RECV per TCP socket drawing from the loop's provided-buffer ring (chunks
// are copied into the connection's pipe and the buffer goes straight back, so an idle socket holds none), and
// SEND SQEs straight from pinned pipe memory. Both are submitted by the loop's one io_uring_enter per turn.
using System.Buffers;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class IoUringEngine
{
    private const ushort BufferGroup = 0;
    private IoUring.BufferRing? _buffers;

    private void RegisterBuffers()
    {
        int count = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Options.ReceiveBufferCount, 1, 32768));
        _buffers = IoUring.BufferRing.Register(_ring!, BufferGroup, count, Math.Max(Options.ReceiveBufferSize, 512), out _);
        // A kernel without provided-buffer rings (< 5.19) keeps the poll-then-recv path.
    }

    // Unix sockets keep poll-then-recv: multishot receive has been seen to miss the EOF of an AF_UNIX stream
    // (liburing issue 1549), and a missed EOF would leave a session hanging.
    internal override bool ReceivesByCompletion(int family) => _buffers is not null && family != Sockets.AF_UNIX;

    internal override void ArmReceive(Readiness readiness)
    {
        if (readiness.Slot < 0 || readiness.Retired || readiness.Closed || (readiness.PendingPolls & PendingRecv) != 0) return;
        Prepare(static (ring, a) => ring.PrepRecvMultishot(a.Fd, BufferGroup, a.Token), (readiness.Fd, Token: Token(readiness) | KindRecv));
        readiness.PendingPolls |= PendingRecv;
    }

    internal override void StopReceive(Readiness readiness)
    {
        // The bit stays until the final completion: ArmReceive meanwhile is a no-op, and that completion re-arms
        // if the connection wants to read again by then.
        if (readiness.Slot >= 0 && !readiness.Retired && (readiness.PendingPolls & PendingRecv) != 0)
            Cancel(Token(readiness) | KindRecv);
    }

    internal override bool SendsByCompletion => true;

    internal override void SubmitSend(Readiness readiness, in MemoryHandle pinned, int length)
    {
        Prepare(static (ring, a) => ring.PrepSend(a.Fd, a.Pinned, a.Length, a.Token),
            (readiness.Fd, Pinned: pinned, Length: length, Token: Token(readiness) | KindSend));
        readiness.PendingPolls |= PendingSend;
    }

    private void DispatchReceive(IoUring.Completion completion)
    {
        bool more = (completion.Flags & IoUring.IORING_CQE_F_MORE) != 0;
        bool hasBuffer = (completion.Flags & IoUring.IORING_CQE_F_BUFFER) != 0;
        ushort bufferId = (ushort)(completion.Flags >> 16);
        var readiness = Lookup(completion.UserData & ~KindMask);
        if (readiness is not null && !more) readiness.PendingPolls &= ~PendingRecv;
        if (readiness is null || readiness.Closed || readiness.Completions is not { } handler)
        {
            if (hasBuffer) _buffers!.Recycle(bufferId); // a chunk for a socket that is gone
            return;
        }
        int result = completion.Result;
        if (result > 0 && hasBuffer)
        {
            handler.OnReceived(_buffers!.Data(bufferId, result));
            _buffers.Recycle(bufferId);
            // Multishot stops on its own now and then (CQ overflow); keep receiving if still wanted.
            if (!more && handler.WantsRead) ArmReceive(readiness);
            return;
        }
        if (hasBuffer) _buffers!.Recycle(bufferId);
        if (result == 0) handler.OnReceiveEnded(0);
        else if (result is -Errnos.ECANCELED or -Errnos.ENOBUFS or -Errnos.EAGAIN or -Errnos.EINTR)
        {
            // Stopped (back-pressure), out of buffers for a moment (they were handed back above), or a spurious
            // EAGAIN: receive again if the connection still wants to.
            if (!more && handler.WantsRead) ArmReceive(readiness);
        }
        else handler.OnReceiveEnded(result);
    }

    private void DispatchSend(IoUring.Completion completion)
    {
        var readiness = Lookup(completion.UserData & ~KindMask);
        if (readiness is null) return;
        readiness.PendingPolls &= ~PendingSend;
        readiness.Completions?.OnSent(completion.Result);
        if (readiness.Retired && readiness.PendingPolls == 0)
        {
            readiness.PendingPolls = 0;
            FreeSlot(readiness);
            readiness.Retired = false;
        }
    }
}
