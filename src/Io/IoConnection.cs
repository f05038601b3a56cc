// One socket as a duplex pipe. Pipe continuations run on the owning loop thread, so session code that awaits
// Input/Output never hops threads. The first reason the connection stopped is recorded in ShutdownReason.
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Pooler.Io;

public abstract class IoConnection : IDuplexPipe, IAsyncDisposable
{
    private static long s_nextId;
    private int _shutdownReason;

    protected IoConnection() => Id = Interlocked.Increment(ref s_nextId);

    /// <summary>Process-wide unique id, for log lines.</summary>
    public long Id { get; }

    public abstract EndPoint? RemoteEndPoint { get; }
    public abstract EndPoint? LocalEndPoint { get; }

    /// <summary>True for a Unix-domain socket. Cheaper than testing RemoteEndPoint, which makes (and keeps) an
    /// endpoint object: ~70 bytes per idle client that nobody asked for.</summary>
    public virtual bool IsUnixSocket => RemoteEndPoint is UnixDomainSocketEndPoint;

    /// <summary>Bytes from the peer. Completes at EOF (no exception) or with an IOException on a reset.</summary>
    public abstract PipeReader Input { get; }

    /// <summary>Bytes to the peer. Completing it sends FIN (half-close); both ends completed closes the socket.</summary>
    public abstract PipeWriter Output { get; }

    /// <summary>
    /// Calls <paramref name="callback"/>(<paramref name="state"/>) on the loop thread once a read of Input would
    /// return at once (bytes, completion, an error or a CancelPendingRead), without a read in progress meanwhile, so
    /// that an idle session holds no suspended async method and no pending ValueTask. The callback may come without
    /// news (the caller then TryReads, gets nothing and waits again). Call on the loop thread, with no read in progress.
    /// </summary>
    public virtual void WaitReadable(Action<object?> callback, object? state) => _ = WaitReadableAsync(callback, state);

    // Any PipeReader: a read that examines nothing, so the caller's next read returns the same bytes at once. A
    // cancel is seen here and not again (callers must not rely on IsCanceled after a wait).
    private async Task WaitReadableAsync(Action<object?> callback, object? state)
    {
        try
        {
            var read = await Input.ReadAsync();
            Input.AdvanceTo(read.Buffer.Start);
        }
        catch (Exception)
        {
            // The caller's own read meets the same error.
        }
        callback(state);
    }

    /// <summary>The first reason the connection (or one of its directions) stopped; None while fully open.</summary>
    public virtual ShutdownKind ShutdownReason => (ShutdownKind)Volatile.Read(ref _shutdownReason);

    /// <summary>Records the reason unless one is already recorded; true when this call recorded it.</summary>
    internal bool TrySetShutdown(ShutdownKind kind) =>
        Interlocked.CompareExchange(ref _shutdownReason, (int)kind, 0) == 0;

    /// <summary>Closes the socket now (no graceful flush); pending reads complete, pending flushes report
    /// IsCompleted. May be called from any thread.</summary>
    public abstract void Abort(ShutdownKind reason = ShutdownKind.Aborted);

    /// <summary>Stops watching the socket and hands its fd to the caller (to pass it to another process). Call on
    /// the loop thread. Bytes already read but not consumed from Input stay with this object.</summary>
    public abstract int DetachFd();

    /// <summary>Completes both pipes and closes the socket.</summary>
    public abstract ValueTask DisposeAsync();

    public override string ToString() => $"conn#{Id} {RemoteEndPoint} ({ShutdownReason})";
}
