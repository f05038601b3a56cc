// Signals, parent-death watches, fd channels and bare fds on their way to another process: things the loop waits on
// or the pooler handles outside pipes.
using System.Runtime.InteropServices;
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
