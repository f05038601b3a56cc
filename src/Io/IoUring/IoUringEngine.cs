// The io_uring backend: a SINGLE_ISSUER | DEFER_TASKRUN ring created on the loop thread. Readiness comes from
// one-shot POLL_ADDs ("poll, then recv/send" on the same code path as epoll, so idle connections hold no
// buffer); every loop iteration is one io_uring_enter that submits, runs task work and waits.
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class IoUringEngine : ReactorEngine
{
    // user_data = slot (32 bits) | generation (30 bits) << 32 | kind (2 bits) << 62
    private const ulong KindIn = 1UL << 62, KindOut = 2UL << 62, KindInternal = 3UL << 62, KindMask = 3UL << 62;
    private const ulong WakeToken = KindInternal | 1, CancelToken = KindInternal | 2;
    private const uint PollIn = (uint)(Libc.POLLIN | Libc.POLLRDHUP), PollOut = (uint)Libc.POLLOUT;
    private const uint PendingIn = 1, PendingOut = 2;
    private static readonly TimeSpan RdHupRearmDelay = TimeSpan.FromMilliseconds(2);

    private readonly int _eventFd;
    private readonly IoUring.Completion[] _completions = new IoUring.Completion[256];
    private IoUring.Ring? _ring;
    private bool _wakeArmed;

    public IoUringEngine(IoEngineOptions? options) : base(options)
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
    }

    internal override void Register(Readiness readiness) => AllocateSlot(readiness);

    internal override void RequestEvents(Readiness readiness, uint events)
    {
        if (readiness.Slot < 0 || _ring is null) return;
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
        if (readiness.Slot < 0) return;
        if (_ring is not null)
        {
            // A pending poll holds a reference to the file: cancel it so a closed or passed-on socket is released.
            // Its -ECANCELED completion then carries a stale generation and is ignored.
            ulong token = Token(readiness);
            if ((readiness.PendingPolls & PendingIn) != 0) Prepare(static (ring, t) => ring.PrepCancel(t | KindIn, CancelToken), token);
            if ((readiness.PendingPolls & PendingOut) != 0) Prepare(static (ring, t) => ring.PrepCancel(t | KindOut, CancelToken), token);
        }
        readiness.PendingPolls = 0;
        FreeSlot(readiness);
    }

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
        if (readiness is null) return; // completion of a poll whose owner is gone
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
        Libc.Close(_eventFd);
    }
}
