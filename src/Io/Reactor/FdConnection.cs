// A connection on a raw socket fd, driven by readiness from the epoll or io_uring engine. Two loops run on the
// loop thread: receive (readable → recv into pipe memory → flush) and send (read pipe → sendmsg → advance).
using System.IO.Pipelines;
using System.Net;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class FdConnection : IoConnection, ILoopResource
{
    private readonly ReactorEngine _engine;
    private readonly Readiness _readiness;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly bool _registered;
    private readonly byte _family;
    private ReadOnlyMemory<byte> _alreadyRead;
    private EndPoint? _remote, _local;
    private bool _receiveDone, _sendDone, _closeWhenSent, _closed;

    public FdConnection(ReactorEngine engine, int fd, int family, Readiness? registered, ReadOnlyMemory<byte> alreadyRead)
    {
        _engine = engine;
        _family = (byte)family;
        _registered = registered is not null;
        _readiness = registered ?? new Readiness(fd, null) { WriteReady = true };
        _readiness.Owner = this;
        _alreadyRead = alreadyRead;
        _input = new Pipe(engine.ReceivePipeOptions);
        _output = new Pipe(engine.SendPipeOptions);
    }

    /// <summary>Registers the fd and starts both loops; on the loop thread.</summary>
    internal void Start()
    {
        if (_closed) return;
        if (!_registered) _engine.Register(_readiness);
        _ = ReceiveLoopAsync();
        _ = SendLoopAsync();
    }

    public override PipeReader Input => _input.Reader;
    public override PipeWriter Output => _output.Writer;

    // Resolved on first use: most sessions never ask, and an IPEndPoint per connection is memory we can skip.
    public override EndPoint? RemoteEndPoint => _remote ??= _closed ? null : Sockets.RemoteEndPoint(_readiness.Fd, ReactorEngine.Template(_family));
    public override EndPoint? LocalEndPoint => _local ??= _closed ? null : Sockets.LocalEndPoint(_readiness.Fd, ReactorEngine.Template(_family));

    public override void Abort(ShutdownKind reason = ShutdownKind.Aborted)
    {
        TrySetShutdown(reason);
        if (_engine.IsOnLoopThread) Close(reason, closeFd: true);
        else _engine.Post(static s => { var (c, r) = ((FdConnection, ShutdownKind))s!; c.Close(r, closeFd: true); }, (this, reason));
    }

    public override int DetachFd()
    {
        _engine.ThrowIfNotOnLoop(nameof(DetachFd));
        if (_closed) throw new InvalidOperationException("The connection is already closed.");
        TrySetShutdown(ShutdownKind.Detached);
        Close(ShutdownKind.Detached, closeFd: false);
        return _readiness.Fd;
    }

    public override ValueTask DisposeAsync()
    {
        TrySetShutdown(ShutdownKind.Disposed);
        if (_engine.IsOnLoopThread) BeginDispose();
        else _engine.Post(static s => ((FdConnection)s!).BeginDispose(), this);
        return ValueTask.CompletedTask;
    }

    // Graceful: what the application already wrote is still sent, then the socket closes.
    private void BeginDispose()
    {
        _input.Reader.Complete();
        _output.Writer.Complete();
        _closeWhenSent = true;
        if (_sendDone) Close(ShutdownKind.Disposed, closeFd: true);
    }

    public void Shutdown() => Close(ShutdownKind.EngineStopped, closeFd: true);

    private void MaybeClose()
    {
        if (_sendDone && (_receiveDone || _closeWhenSent)) Close(ShutdownKind.Disposed, closeFd: true);
    }

    private void Close(ShutdownKind reason, bool closeFd)
    {
        if (_closed) return;
        _closed = true;
        TrySetShutdown(reason);
        _engine.Unregister(_readiness);
        _readiness.Closed = true;
        if (closeFd) Libc.Close(_readiness.Fd);
        // Both loops see _closed when they resume and complete their pipe ends.
        _readiness.WakeAll();
        _input.Writer.CancelPendingFlush();
        _output.Reader.CancelPendingRead();
    }
}
