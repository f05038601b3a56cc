// Non-blocking connect on the loop: EINPROGRESS, wait for writability under a loop timer, then read SO_ERROR.
using System.Net;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal abstract partial class ReactorEngine
{
    private async ValueTask<ConnectResult> ConnectCoreAsync(EndPoint endPoint, TimeSpan timeout, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return new ConnectResult(ConnectStatus.Canceled, null, Errnos.ECANCELED);
        var created = Sockets.CreateStream(endPoint);
        if (!created.IsSuccess) return new ConnectResult(ConnectStatus.Failed, null, created.Errno);
        int fd = created.IntValue;
        int family = Sockets.FamilyOf(endPoint);
        var started = Sockets.Connect(fd, endPoint);
        if (started.IsSuccess) return new ConnectResult(ConnectStatus.Connected, CreateConnection(fd, family, null, default), 0);
        if (started.Errno != Errnos.EINPROGRESS)
        {
            Libc.Close(fd);
            return new ConnectResult(ConnectStatusMap.FromErrno(started.Errno), null, started.Errno);
        }

        var readiness = new Readiness(fd, null);
        Register(readiness);
        var state = new ConnectWait(readiness);
        using var timer = timeout == Timeout.InfiniteTimeSpan ? null
            : TimeProvider.CreateTimer(static s => ((ConnectWait)s!).Expire(), state, timeout, Timeout.InfiniteTimeSpan);
        using var registration = ct.CanBeCanceled
            ? ct.UnsafeRegister(static s => { var w = (ConnectWait)s!; w.Engine?.Post(static x => ((ConnectWait)x!).Readiness.WakeAll(), w); }, state)
            : default;
        state.Engine = this;
        while (!readiness.WriteReady && !state.TimedOut && !ct.IsCancellationRequested)
            await readiness.WaitWritable(this);

        ConnectStatus failure = state.TimedOut ? ConnectStatus.TimedOut
            : ct.IsCancellationRequested ? ConnectStatus.Canceled : ConnectStatus.Connected;
        int errno = failure switch { ConnectStatus.TimedOut => Errnos.ETIMEDOUT, ConnectStatus.Canceled => Errnos.ECANCELED, _ => 0 };
        if (failure == ConnectStatus.Connected)
        {
            errno = Sockets.PendingError(fd);
            if (errno == 0) return new ConnectResult(ConnectStatus.Connected, CreateConnection(fd, family, readiness, default), 0);
            failure = ConnectStatusMap.FromErrno(errno);
        }
        Unregister(readiness);
        Libc.Close(fd);
        return new ConnectResult(failure, null, errno);
    }

    private sealed class ConnectWait(Readiness readiness)
    {
        public Readiness Readiness { get; } = readiness;
        public IoEngine? Engine;
        public bool TimedOut;

        public void Expire()
        {
            TimedOut = true;
            Readiness.WakeAll();
        }
    }
}
