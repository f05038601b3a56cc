// A connection on a raw socket fd, driven by readiness from the epoll or io_uring engine. It holds the fd and a
// little state; Input/Output are façades that rent a Pipe from the loop's pool only while bytes are buffered, and
// receive/send run as readiness callbacks (FdConnection.Receive.cs, FdConnection.Send.cs), so an idle connection
// holds no buffer, no pipe and no parked loop.
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class FdConnection : IoConnection, ILoopResource, IReadinessHandler
{
    private readonly ReactorEngine _engine;
    private readonly Readiness _readiness;
    private readonly ConnectionInput _input;
    private readonly ConnectionOutput _output;
    private readonly bool _registered;
    private readonly byte _family;
    private EndPoint? _remote, _local;
    private bool _closeWhenSent, _closed;

    public FdConnection(ReactorEngine engine, int fd, int family, Readiness? registered)
    {
        _engine = engine;
        _family = (byte)family;
        _registered = registered is not null;
        _readiness = registered ?? new Readiness(fd, null) { WriteReady = true };
        _readiness.Owner = this;
        _sendByCompletion = engine.SendsByCompletion;
        _input = new ConnectionInput(this);
        _output = new ConnectionOutput(this);
    }

    /// <summary>
    /// Registers the fd and starts listening for readiness; on the loop thread. <paramref name="alreadyRead"/> (bytes
    /// a previous owner read from the socket) is a parameter rather than a field: 16 bytes per connection otherwise.
    /// </summary>
    internal void Start(ReadOnlyMemory<byte> alreadyRead)
    {
        if (_closed) return;
        _readiness.OwnerHandlesEvents = true; // this (the Owner) hears completions, and readiness until Closed
        if (!_registered) _engine.Register(_readiness);
        _receiveByCompletion = _engine.ReceivesByCompletion(_family);
        if (!alreadyRead.IsEmpty)
        {
            var pipe = RentInputPipe();
            pipe.Writer.Write(alreadyRead.Span);
            _inBuffered += alreadyRead.Length;
            _ = pipe.Writer.FlushAsync(); // below the pause threshold (MaxPayload 64 KiB): completes at once
            _input.OnDataAdded();
        }
        Receive();
    }

    public override PipeReader Input => _input;

    public override void WaitReadable(Action<object?> callback, object? state) => _input.Watch(callback, state);
    public override PipeWriter Output => _output;

    internal ReactorEngine Engine => _engine;

    // Resolved on first use: most sessions never ask, and an IPEndPoint per connection is memory we can skip.
    public override EndPoint? RemoteEndPoint => _remote ??= _closed ? null : Sockets.RemoteEndPoint(_readiness.Fd, ReactorEngine.Template(_family));
    public override bool IsUnixSocket => _family == Sockets.AF_UNIX;

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
        _closeWhenSent = true;
        _input.Complete();
        _output.Complete();
        MaybeClose();
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
        _readiness.Closed = true; // also ends Handler: events no longer reach this connection
        if (closeFd) Libc.Close(_readiness.Fd);
        // A pending or next read sees what is buffered, then completion; flushes report IsCompleted.
        EndReceive(null);
        EndSend();
    }
}
