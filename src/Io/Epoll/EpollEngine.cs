// The epoll backend: one edge-triggered registration per fd (in, out, rdhup) for its whole life, so asking for
// readiness costs no system call; an eventfd wakes the loop from other threads.
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class EpollEngine : ReactorEngine
{
    private const ulong WakeToken = ulong.MaxValue;
    private const uint Interest = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET;

    private readonly int _epfd;
    private readonly int _eventFd;
    private readonly Epoll.EventBuffer _events = new(256);

    public EpollEngine(IoEngineOptions? options) : base(options)
    {
        var ep = Epoll.Create();
        ep.ThrowOnError("epoll_create1");
        _epfd = ep.IntValue;
        var ev = Libc.EventFd();
        if (!ev.IsSuccess)
        {
            Libc.Close(_epfd);
            ev.ThrowOnError("eventfd");
        }
        _eventFd = ev.IntValue;
        Epoll.Control(_epfd, Epoll.EPOLL_CTL_ADD, _eventFd, Epoll.EPOLLIN | Epoll.EPOLLET, WakeToken).ThrowOnError("epoll_ctl");
    }

    public override string BackendName => "epoll";

    /// <summary>True when epoll works here (it always should on Linux; seccomp profiles allow it).</summary>
    public static bool Probe(out string reason)
    {
        var ep = Epoll.Create();
        if (!ep.IsSuccess)
        {
            reason = $"epoll_create1 failed: {ep}";
            return false;
        }
        Libc.Close(ep.IntValue);
        reason = "epoll available";
        return true;
    }

    internal override void Register(Readiness readiness)
    {
        ulong token = AllocateSlot(readiness);
        var r = Epoll.Control(_epfd, Epoll.EPOLL_CTL_ADD, readiness.Fd, Interest, token);
        if (!r.IsSuccess)
        {
            FreeSlot(readiness);
            // A file epoll cannot watch (regular file) or a bad fd: report it as an error event so waiters resume.
            readiness.OnEvents(Readiness.Err);
        }
    }

    // Edge-triggered: the registration already reports every transition, so there is nothing to arm.
    internal override void RequestEvents(Readiness readiness, uint events) { }

    internal override void Unregister(Readiness readiness)
    {
        if (readiness.Slot < 0) return;
        Epoll.Control(_epfd, Epoll.EPOLL_CTL_DEL, readiness.Fd, 0, 0);
        FreeSlot(readiness);
    }

    protected override void WaitForEvents(int timeoutMs)
    {
        var result = _events.Wait(_epfd, timeoutMs);
        if (!result.IsSuccess) throw new IOException($"epoll_wait failed: {result}", result.Errno);
        int count = result.IntValue;
        for (int i = 0; i < count; i++)
        {
            ulong token = _events.Data(i);
            if (token == WakeToken)
            {
                Libc.EventFdRead(_eventFd);
                AcknowledgeWake();
                continue;
            }
            Lookup(token)?.OnEvents(_events.Events(i));
        }
    }

    protected override void Wake() => Libc.EventFdWrite(_eventFd);

    protected override void OnLoopStopped()
    {
        _events.Dispose();
        Libc.Close(_eventFd);
        Libc.Close(_epfd);
    }
}
