// Passing sockets between processes: a connected AF_UNIX socket (SOCK_SEQPACKET keeps message boundaries) on
// which each message carries one fd (SCM_RIGHTS) plus a payload, e.g. the bytes the supervisor already read.
// One pending send and one pending receive at a time; both complete on the loop thread.
using Pooler.Io.Interop;

namespace Pooler.Io;

public sealed class FdChannel : IDisposable, ILoopResource
{
    /// <summary>Largest payload accepted per message; a PostgreSQL startup packet is at most 10,000 bytes.</summary>
    public const int MaxPayload = 64 * 1024;

    private readonly IoEngine _engine;
    private readonly Readiness _readiness;
    private byte[]? _receiveBuffer;
    private bool _closed;

    internal FdChannel(IoEngine engine, int fd)
    {
        _engine = engine;
        Libc.SetNonBlocking(fd, true).ThrowOnError("fcntl(O_NONBLOCK)");
        _readiness = new Readiness(fd, this) { WriteReady = true };
        if (engine.IsOnLoopThread) engine.Register(_readiness);
        else engine.Post(static s => { var c = (FdChannel)s!; if (!c._closed) c._engine.Register(c._readiness); }, this);
    }

    /// <summary>A connected, close-on-exec SOCK_SEQPACKET socket pair for a channel between two processes.
    /// To let a child inherit one end, clear its close-on-exec flag just before starting the child.</summary>
    public static void CreatePair(out int fd0, out int fd1) =>
        Sockets.SocketPair(Sockets.SOCK_SEQPACKET, out fd0, out fd1).ThrowOnError("socketpair");

    /// <summary>Clears close-on-exec so a child process started next inherits the fd.</summary>
    public static void AllowInherit(int fd) => Libc.SetCloseOnExec(fd, false).ThrowOnError("fcntl(F_SETFD)");

    public int Fd => _readiness.Fd;

    /// <summary>Sends <paramref name="fd"/> with <paramref name="payload"/>. The caller keeps its copy of the fd
    /// and usually closes it after Sent (the receiver has its own reference by then).</summary>
    public ValueTask<FdSendStatus> SendAsync(int fd, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        if (payload.Length > MaxPayload) throw new ArgumentException($"Payload exceeds {MaxPayload} bytes.", nameof(payload));
        if (!_engine.IsOnLoopThread) return new ValueTask<FdSendStatus>(_engine.RunAsync(() => SendCoreAsync(fd, payload, ct).AsTask()));
        return SendCoreAsync(fd, payload, ct);
    }

    public ValueTask<FdMessage> ReceiveAsync(CancellationToken ct = default)
    {
        if (!_engine.IsOnLoopThread) return new ValueTask<FdMessage>(_engine.RunAsync(() => ReceiveCoreAsync(ct).AsTask()));
        return ReceiveCoreAsync(ct);
    }

    private async ValueTask<FdSendStatus> SendCoreAsync(int fd, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        using var registration = WakeOnCancel(ct);
        while (true)
        {
            if (_closed) return FdSendStatus.Closed;
            if (ct.IsCancellationRequested) return FdSendStatus.Canceled;
            if (!_readiness.WriteReady)
            {
                await _readiness.WaitWritable(_engine);
                continue;
            }
            var r = Sockets.SendWithFd(_readiness.Fd, fd, payload.Span);
            if (r.IsSuccess) return FdSendStatus.Sent;
            if (r.IsAgain) _readiness.WriteReady = false;
            else return r.Errno is Errnos.EPIPE or Errnos.ECONNRESET ? FdSendStatus.Closed : FdSendStatus.Failed;
        }
    }

    private async ValueTask<FdMessage> ReceiveCoreAsync(CancellationToken ct)
    {
        using var registration = WakeOnCancel(ct);
        _receiveBuffer ??= new byte[MaxPayload];
        while (true)
        {
            if (_closed) return new FdMessage(FdReceiveStatus.Closed, -1, default, 0);
            if (ct.IsCancellationRequested) return new FdMessage(FdReceiveStatus.Canceled, -1, default, Errnos.ECANCELED);
            if (!_readiness.ReadReady)
            {
                await _readiness.WaitReadable(_engine);
                continue;
            }
            var r = Sockets.ReceiveWithFd(_readiness.Fd, _receiveBuffer, out int fd, out bool truncated);
            if (r.IsAgain)
            {
                _readiness.ReadReady = false;
                continue;
            }
            if (!r.IsSuccess)
                return new FdMessage(r.Errno == Errnos.ECONNRESET ? FdReceiveStatus.Closed : FdReceiveStatus.Failed, -1, default, r.Errno);
            if (r.Value == 0 && fd < 0) return new FdMessage(FdReceiveStatus.Closed, -1, default, 0);
            if (truncated)
            {
                if (fd >= 0) Libc.Close(fd);
                return new FdMessage(FdReceiveStatus.Truncated, -1, default, 0);
            }
            return new FdMessage(FdReceiveStatus.Received, fd, _receiveBuffer.AsSpan(0, r.IntValue).ToArray(), 0);
        }
    }

    private CancellationTokenRegistration WakeOnCancel(CancellationToken ct) =>
        ct.CanBeCanceled
            ? ct.UnsafeRegister(static s => { var c = (FdChannel)s!; c._engine.Post(static x => ((FdChannel)x!)._readiness.WakeAll(), c); }, this)
            : default;

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        _engine.Unregister(_readiness);
        _readiness.Closed = true;
        Libc.Close(_readiness.Fd);
        _readiness.WakeAll();
    }

    public void Shutdown() => Close();

    public void Dispose()
    {
        if (_engine.IsOnLoopThread) Close();
        else _engine.Post(static s => ((FdChannel)s!).Close(), this);
    }
}
