// One fd watched by a loop: the readiness flags the backend reports and the one awaiting reader/writer of each.
// Backends call OnEvents on the loop thread; awaiting code resumes inline there (no queue hop).
using System.Runtime.CompilerServices;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class Readiness
{
    public const uint In = (uint)Libc.POLLIN, Out = (uint)Libc.POLLOUT, Err = (uint)Libc.POLLERR, Hup = (uint)Libc.POLLHUP,
        RdHup = (uint)Libc.POLLRDHUP;

    public Readiness(int fd, ILoopResource? owner)
    {
        Fd = fd;
        Owner = owner;
    }

    public int Fd { get; }
    /// <summary>What the engine shuts down when it is disposed (a connect in progress hands over to its connection).</summary>
    public ILoopResource? Owner { get; set; }

    // Backend bookkeeping: the slot in the engine's table, a generation that makes stale completions harmless,
    // and (io_uring) the polls in flight.
    internal int Slot = -1;
    internal uint Generation;
    internal uint PendingPolls;
    /// <summary>Unregistered, but the slot is kept until an operation that pins memory (a send) completes.</summary>
    internal bool Retired;
    /// <summary>Set by a connection once it starts (FdConnection.Start): from then on its <see cref="Owner"/> hears
    /// about completions (<see cref="Completions"/>) and, until the fd is closed, readiness (<see cref="Handler"/>).</summary>
    internal bool OwnerHandlesEvents;

    /// <summary>Who hears about completion-based receives and sends; unlike Handler it stays set after close. The
    /// owning connection, derived rather than a reference of its own: 8 bytes per connection.</summary>
    internal IReadinessHandler? Completions => OwnerHandlesEvents ? Owner as IReadinessHandler : null;

    public bool ReadReady;
    public bool WriteReady;
    /// <summary>The peer's FIN (or an error) was reported: a short read no longer means "drained", because no new
    /// edge will come for the EOF that is already queued.</summary>
    public bool PeerClosed;
    /// <summary>The fd is closed or detached: waiters resume and must stop touching it.</summary>
    public bool Closed;

    private Action? _readContinuation;
    private Action? _writeContinuation;

    public void OnEvents(uint events)
    {
        if ((events & (Err | Hup | RdHup)) != 0) PeerClosed = true;
        if ((events & (In | Err | Hup | RdHup)) != 0)
        {
            ReadReady = true;
            if (Handler is { } handler) handler.OnReadable();
            else Resume(ref _readContinuation);
        }
        if ((events & (Out | Err | Hup)) != 0)
        {
            WriteReady = true;
            if (Handler is { } handler) handler.OnWritable();
            else Resume(ref _writeContinuation);
        }
    }

    /// <summary>The started connection (<see cref="Completions"/>): events go to it directly instead of resuming
    /// awaiters, until the fd is closed. Derived, not a field of its own: 8 bytes per connection.</summary>
    public IReadinessHandler? Handler => Closed ? null : Completions;

    public bool HasReadWaiter => _readContinuation is not null || Handler is { WantsRead: true };
    public bool HasWriteWaiter => _writeContinuation is not null || Handler is { WantsWrite: true };

    /// <summary>Resumes both waiters without changing the flags (close, cancellation, timeout).</summary>
    public void WakeAll()
    {
        Resume(ref _readContinuation);
        Resume(ref _writeContinuation);
    }

    private static void Resume(ref Action? slot)
    {
        var continuation = slot;
        if (continuation is null) return;
        slot = null;
        continuation();
    }

    public Awaitable WaitReadable(IoEngine engine)
    {
        if (!ReadReady && !Closed) engine.RequestEvents(this, In);
        return new Awaitable(this, write: false);
    }

    public Awaitable WaitWritable(IoEngine engine)
    {
        if (!WriteReady && !Closed) engine.RequestEvents(this, Out);
        return new Awaitable(this, write: true);
    }

    /// <summary>Awaiter for one readiness direction; completes on readiness, close, or WakeAll.</summary>
    public readonly struct Awaitable(Readiness owner, bool write) : ICriticalNotifyCompletion
    {
        public Awaitable GetAwaiter() => this;
        public bool IsCompleted => owner.Closed || (write ? owner.WriteReady : owner.ReadReady);
        public void GetResult() { }
        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation)
        {
            if (write) owner._writeContinuation = continuation;
            else owner._readContinuation = continuation;
        }
    }
}
