// The io_uring backend: a SINGLE_ISSUER | DEFER_TASKRUN ring created on the loop thread; every loop iteration is
// one io_uring_enter that submits what the turn queued, runs task work and waits. TCP sockets receive through a
// multishot RECV into a provided-buffer ring and every socket sends with SEND SQEs (IoUringEngine.Data.cs), so a
// message costs no system call of its own; Unix sockets, listeners and watches use one-shot POLL_ADDs.
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class IoUringEngine : ReactorEngine
{
    // user_data = slot (32 bits) | generation (29 bits) << 32 | kind (3 bits) << 61
    private const ulong KindIn = 1UL << 61, KindOut = 2UL << 61, KindInternal = 3UL << 61, KindRecv = 4UL << 61,
        KindSend = 5UL << 61, KindMask = 7UL << 61;
    private const ulong WakeToken = KindInternal | 1, CancelToken = KindInternal | 2;
    private const uint PollIn = (uint)(Libc.POLLIN | Libc.POLLRDHUP), PollOut = (uint)Libc.POLLOUT;
    private const uint PendingIn = 1, PendingOut = 2, PendingRecv = 4, PendingSend = 8;
    private static readonly TimeSpan RdHupRearmDelay = TimeSpan.FromMilliseconds(2);

    private readonly int _eventFd;
    private readonly IoUring.Completion[] _completions = new IoUring.Completion[256];
    private IoUring.Ring? _ring;
    private bool _wakeArmed;

    public IoUringEngine(IoEngineOptions? options) : base(options, pinnedSends: true)
    {
        var ev = Libc.EventFd();
        ev.ThrowOnError("eventfd");
        _eventFd = ev.IntValue;
    }

    public override string BackendName => "io_uring";

    public static bool Probe(out string reason) => IoUring.Probe(out reason);

    // SINGLE_ISSUER: the thread that creates the ring is the only one allowed to submit, so create it here.
    protected override void OnLoopStarting()
    {
        uint entries = (uint)Math.Clamp(Options.RingEntries, 8, 32768);
        _ring = new IoUring.Ring(entries, entries * 4);
        RegisterBuffers();
    }

    internal override void Register(Readiness readiness) => AllocateSlot(readiness);

    internal override void RequestEvents(Readiness readiness, uint events)
    {
        if (readiness.Slot < 0 || readiness.Retired || _ring is null) return;
        ulong token = Token(readiness);
        if ((events & Readiness.In) != 0 && (readiness.PendingPolls & PendingIn) == 0)
        {
            Prepare(static (ring, a) => ring.PrepPollAdd(a.Fd, PollIn, a.Token | KindIn), (Fd: readiness.Fd, Token: token));
            readiness.PendingPolls |= PendingIn;
        }
        if ((events & Readiness.Out) != 0 && (readiness.PendingPolls & PendingOut) == 0)
        {
            Prepare(static (ring, a) => ring.PrepPollAdd(a.Fd, PollOut, a.Token | KindOut), (Fd: readiness.Fd, Token: token));
            readiness.PendingPolls |= PendingOut;
        }
    }

    internal override void Unregister(Readiness readiness)
    {
        if (readiness.Slot < 0 || readiness.Retired) return;
        if (_ring is not null)
        {
            // A pending operation holds a reference to the file: cancel it so a closed or passed-on socket is
            // released. Its -ECANCELED completion then carries a stale generation and is ignored...
            ulong token = Token(readiness);
            if ((readiness.PendingPolls & PendingIn) != 0) Cancel(token | KindIn);
            if ((readiness.PendingPolls & PendingOut) != 0) Cancel(token | KindOut);
            if ((readiness.PendingPolls & PendingRecv) != 0) Cancel(token | KindRecv);
            // ... except a send's: it reads pinned pipe memory until it completes, so the slot stays (Retired)
            // and the completion still reaches the connection, which releases the memory then.
            if ((readiness.PendingPolls & PendingSend) != 0)
            {
                Cancel(token | KindSend);
                readiness.PendingPolls = PendingSend;
                readiness.Retired = true;
                return;
            }
        }
        readiness.PendingPolls = 0;
        FreeSlot(readiness);
    }

    private void Cancel(ulong userData) => Prepare(static (ring, t) => ring.PrepCancel(t, CancelToken), userData);

    /// <summary>Prepares one SQE, flushing the submission queue first when it is full.</summary>
    private void Prepare<T>(Func<IoUring.Ring, T, bool> prep, T arg)
    {
        var ring = _ring!;
        while (!prep(ring, arg))
        {
            var r = ring.Enter(0);
            if (!r.IsSuccess && r.Errno == Errnos.EBUSY) DispatchCompletions(); // CQ full: make room, then retry
        }
    }

    protected override void WaitForEvents(int timeoutMs)
    {
        var ring = _ring!;
        if (!_wakeArmed)
        {
            Prepare(static (r, fd) => r.PrepPollAdd(fd, (uint)Libc.POLLIN, WakeToken), _eventFd);
            _wakeArmed = true;
        }
        // Completions already in the ring: do not sleep, just submit and run task work.
        var result = ring.Enter(ring.HasCompletions ? 0 : timeoutMs);
        if (!result.IsSuccess && result.Errno is not (Errnos.ETIME or Errnos.EINTR or Errnos.EBUSY or Errnos.EAGAIN))
            throw new IOException($"io_uring_enter failed: {result}", result.Errno);
        DispatchCompletions();
        if (ring.CqOverflowed)
        {
            ring.Enter(0); // flushes the kernel's overflow list into the ring
            DispatchCompletions();
        }
    }

    private void DispatchCompletions()
    {
        var ring = _ring!;
        int count;
        while ((count = ring.Reap(_completions)) > 0)
        {
            for (int i = 0; i < count; i++) Dispatch(_completions[i]);
        }
    }

    private void Dispatch(IoUring.Completion completion)
    {
        ulong kind = completion.UserData & KindMask;
        if (kind == KindRecv)
        {
            DispatchReceive(completion);
            return;
        }
        if (kind == KindSend)
        {
            DispatchSend(completion);
            return;
        }
        if (kind == KindInternal)
        {
            if (completion.UserData == WakeToken)
            {
                _wakeArmed = false;
                Libc.EventFdRead(_eventFd);
                AcknowledgeWake();
            }
            return;
        }
        var readiness = Lookup(completion.UserData & ~KindMask);
        if (readiness is null || readiness.Retired) return; // completion of a poll whose owner is gone
        readiness.PendingPolls &= kind == KindIn ? ~PendingIn : ~PendingOut;
        if (completion.Result == -Errnos.ECANCELED) return;
        uint events = completion.Result >= 0 ? (uint)completion.Result : Readiness.Err;
        readiness.OnEvents(events);
        // A poll may complete without the direction it was armed for, and a parked waiter then needs a new one.
        // io_uring always adds EPOLLRDHUP to a poll's mask, so after the peer's FIN a POLLOUT poll completes at
        // once with RDHUP alone; re-arming at once would spin while the peer does not read, so that case
        // re-arms after a short delay (a half-closed peer that stops reading is rare for a pooler).
        if (readiness.Slot >= 0 && !readiness.Closed)
        {
            if (kind == KindOut && !readiness.WriteReady && readiness.HasWriteWaiter)
            {
                if ((events & Readiness.RdHup) != 0)
                    TimeProvider.CreateTimer(static s => { var (e, r, g) = ((IoUringEngine, Readiness, uint))s!; if (r.Slot >= 0 && r.Generation == g) e.RequestEvents(r, Readiness.Out); },
                        (this, readiness, readiness.Generation), RdHupRearmDelay, Timeout.InfiniteTimeSpan);
                else RequestEvents(readiness, Readiness.Out);
            }
            if (kind == KindIn && !readiness.ReadReady && readiness.HasReadWaiter) RequestEvents(readiness, Readiness.In);
        }
    }

    protected override void Wake() => Libc.EventFdWrite(_eventFd);

    protected override void OnLoopStopped()
    {
        _ring?.Dispose();
        _buffers?.Dispose();
        Libc.Close(_eventFd);
    }
}
