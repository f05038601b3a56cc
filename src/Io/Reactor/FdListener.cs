// A listening socket on a raw fd: accept4 on readiness (never a .NET async socket call on our fds).
using System.Net;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class FdListener : IoListener, ILoopResource
{
    private readonly ReactorEngine _engine;
    private readonly Readiness _readiness;
    private readonly int _family;
    private bool _closed;

    public FdListener(ReactorEngine engine, int fd, EndPoint localEndPoint)
    {
        _engine = engine;
        _family = Sockets.FamilyOf(localEndPoint);
        LocalEndPoint = localEndPoint;
        _readiness = new Readiness(fd, this);
        if (engine.IsOnLoopThread) engine.Register(_readiness);
        else engine.Post(static s => { var l = (FdListener)s!; if (!l._closed) l._engine.Register(l._readiness); }, this);
    }

    public override EndPoint LocalEndPoint { get; }

    public override ValueTask<IoConnection?> AcceptAsync(CancellationToken ct = default)
    {
        if (!_engine.IsOnLoopThread) return new ValueTask<IoConnection?>(_engine.RunAsync(() => AcceptCoreAsync(ct).AsTask()));
        return AcceptCoreAsync(ct);
    }

    private async ValueTask<IoConnection?> AcceptCoreAsync(CancellationToken ct)
    {
        var fd = await AcceptFdCoreAsync(ct);
        return fd < 0 ? null : _engine.CreateConnection(fd, _family, null, default);
    }

    public override ValueTask<int> AcceptFdAsync(CancellationToken ct = default)
    {
        if (!_engine.IsOnLoopThread) return new ValueTask<int>(_engine.RunAsync(() => AcceptFdCoreAsync(ct).AsTask()));
        return AcceptFdCoreAsync(ct);
    }

    public override bool TrySetDeferAccept(int seconds) =>
        _family != Sockets.AF_UNIX
        && Sockets.SetIntOption(_readiness.Fd, Sockets.IPPROTO_TCP, Sockets.TCP_DEFER_ACCEPT, seconds).IsSuccess;

    private async ValueTask<int> AcceptFdCoreAsync(CancellationToken ct)
    {
        using var registration = ct.CanBeCanceled
            ? ct.UnsafeRegister(static s => { var l = (FdListener)s!; l._engine.Post(static x => ((FdListener)x!)._readiness.WakeAll(), l); }, this)
            : default;
        while (true)
        {
            if (_closed) return -1;
            ct.ThrowIfCancellationRequested();
            if (!_readiness.ReadReady)
            {
                await _readiness.WaitReadable(_engine);
                continue;
            }
            var accepted = Sockets.Accept(_readiness.Fd);
            if (accepted.IsSuccess) return accepted.IntValue;
            switch (accepted.Errno)
            {
                case Errnos.EAGAIN:
                    _readiness.ReadReady = false;
                    break;
                case Errnos.ECONNABORTED: // the client gave up while queued: try the next one
                    break;
                default:
                    throw new IOException($"accept4 failed: {accepted}", accepted.Errno);
            }
        }
    }

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        _engine.Unregister(_readiness);
        _readiness.Closed = true;
        Libc.Close(_readiness.Fd);
        UnixSocketPath.Remove(LocalEndPoint);
        _readiness.WakeAll();
    }

    public void Shutdown() => Close();

    public override void Dispose()
    {
        if (_engine.IsOnLoopThread) Close();
        else _engine.Post(static s => ((FdListener)s!).Close(), this);
    }
}
