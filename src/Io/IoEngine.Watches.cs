// Signals, parent-death watches, fd channels and bare fds on their way to another process: things the loop waits on
// or the pooler handles outside pipes.
using System.Runtime.InteropServices;
using System.Net;
using Pooler.Io.Interop;

namespace Pooler.Io;

public abstract partial class IoEngine
{
    private readonly List<PosixSignalRegistration> _signalRegistrations = new();

    /// <summary>Runs <paramref name="handler"/> on the loop thread whenever the signal arrives. The signal's
    /// default action (e.g. terminating on SIGTERM) is suppressed while the registration lives.</summary>
    public IDisposable OnSignal(PosixSignal signal, Action handler)
    {
        // The runtime's signal thread catches the signal; we only forward it into the loop. (signalfd would need
        // the signal blocked in every thread, which the runtime's own threads do not do.)
        var registration = Signals.Register(signal, context =>
        {
            context.Cancel = true;
            Post(static h => ((Action)h!)(), handler);
        });
        lock (_signalRegistrations) _signalRegistrations.Add(registration);
        return registration;
    }

    /// <summary>Same, by raw signal number (e.g. 10 = SIGUSR1 on Linux).</summary>
    public IDisposable OnSignal(int signo, Action handler) => OnSignal((PosixSignal)signo, handler);

    private void DisposeSignalHandlers()
    {
        lock (_signalRegistrations)
        {
            foreach (var registration in _signalRegistrations) registration.Dispose();
            _signalRegistrations.Clear();
        }
    }

    /// <summary>
    /// Runs <paramref name="handler"/> once on the loop thread when the parent process exits (a pidfd watched by
    /// the loop, so nothing polls). Pass the parent's pid when known (e.g. from an environment variable): if the
    /// parent is already gone, the handler runs at once instead of watching whoever adopted us.
    /// </summary>
    public IDisposable WatchParentDeath(Action handler, int expectedParentPid = 0)
    {
        int parent = Libc.GetParentPid();
        if ((expectedParentPid != 0 && parent != expectedParentPid) || parent == 1)
        {
            Post(static h => ((Action)h!)(), handler);
            return new FdWatch(this, -1, handler, ownsFd: false);
        }
        var pidfd = Libc.PidfdOpen(parent);
        if (!pidfd.IsSuccess)
            throw new NotSupportedException($"pidfd_open failed ({pidfd}); use WatchHangup with an inherited pipe instead.");
        // The parent may have died between getppid and pidfd_open: then we would be watching the wrong process.
        if (Libc.GetParentPid() != parent) Post(static h => ((Action)h!)(), handler);
        return FdWatch.Start(this, pidfd.IntValue, handler, ownsFd: true);
    }

    /// <summary>Runs <paramref name="handler"/> once on the loop thread when <paramref name="fd"/> becomes readable
    /// or hangs up: e.g. the read end of a pipe whose write end only the parent holds (parent death fallback).
    /// The watch takes ownership of the fd.</summary>
    public IDisposable WatchHangup(int fd, Action handler)
    {
        Libc.SetNonBlocking(fd, true);
        return FdWatch.Start(this, fd, handler, ownsFd: true);
    }

    /// <summary>Closes an fd obtained from DetachFd or FdChannel once it has been passed on.</summary>
    public static void CloseFd(int fd) => Libc.Close(fd);

    /// <summary>A second fd for the same open socket (close-on-exec), so that two owners can close theirs apart.</summary>
    public static int DupFd(int fd)
    {
        var r = Libc.DupCloexec(fd);
        r.ThrowOnError("fcntl(F_DUPFD_CLOEXEC)");
        return r.IntValue;
    }

    /// <summary>
    /// A bare non-blocking TCP listening socket with SO_REUSEPORT (and SO_REUSEADDR) on <paramref name="endPoint"/>,
    /// watched by nothing: several of them bound to one address form a group among which the kernel spreads new
    /// connections, so each worker process can accept from its own (see <see cref="AdoptListener"/>). With
    /// <paramref name="deferAcceptSeconds"/> &gt; 0 also TCP_DEFER_ACCEPT (see <see cref="IoListener.TrySetDeferAccept"/>).
    /// Returns the fd and the bound address (the real port for port 0). Throws IOException when the system refuses.
    /// </summary>
    public static int OpenReusePortListener(IPEndPoint endPoint, int backlog, int deferAcceptSeconds, out IPEndPoint bound)
    {
        (var fd, bound) = ReactorEngine.OpenListenFd(endPoint, backlog, reusePort: true, fd =>
        {
            if (deferAcceptSeconds > 0)
                Sockets.SetIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_DEFER_ACCEPT, deferAcceptSeconds).ThrowOnError("setsockopt(TCP_DEFER_ACCEPT)");
            return (fd, Sockets.LocalEndPoint(fd, endPoint) as IPEndPoint ?? endPoint);
        });
        return fd;
    }

    /// <summary>
    /// Takes ownership of a listening socket fd made elsewhere (another process's <see cref="OpenReusePortListener"/>,
    /// received over an <see cref="FdChannel"/>): accepts as <see cref="Listen"/>'s listener does; disposing it closes
    /// this fd only. Loop thread or not. The portable backend cannot (NotSupportedException).
    /// </summary>
    public virtual IoListener AdoptListener(int fd) =>
        throw new NotSupportedException($"the {BackendName} backend cannot adopt a listening socket");

    /// <summary>
    /// One recv(2) on a non-blocking fd that no engine watches (from <see cref="IoListener.AcceptFdAsync"/>):
    /// <see cref="FdReadStatus.WouldBlock"/> when nothing is buffered yet.
    /// </summary>
    public static FdReadStatus TryReceive(int fd, Span<byte> buffer, out int count)
    {
        var r = Sockets.Receive(fd, buffer);
        count = r.IsSuccess ? r.IntValue : 0;
        if (r.IsSuccess) return count == 0 && !buffer.IsEmpty ? FdReadStatus.Closed : FdReadStatus.Read;
        if (r.IsAgain) return FdReadStatus.WouldBlock;
        return r.Errno is Errnos.ECONNRESET or Errnos.EPIPE ? FdReadStatus.Closed : FdReadStatus.Failed;
    }

    /// <summary>One send(2) of a few bytes on such an fd; true when all of them went out (a fresh socket's send
    /// buffer is empty, so a short answer never blocks).</summary>
    public static bool TrySend(int fd, ReadOnlySpan<byte> bytes) => Sockets.Send(fd, bytes).Value == bytes.Length;

    /// <summary>Wraps a connected AF_UNIX socket (use <see cref="FdChannel.CreatePair"/>, SOCK_SEQPACKET) for
    /// passing fds with a payload. The channel owns the fd.</summary>
    public FdChannel OpenFdChannel(int fd) => new(this, fd);
}
