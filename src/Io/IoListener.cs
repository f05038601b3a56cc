// A listening socket owned by an engine. AcceptAsync completes on the loop thread when called there.
using System.Net;

namespace Pooler.Io;

public abstract class IoListener : IDisposable
{
    /// <summary>The next connection, or null once the listener is disposed. System-level failures (e.g. EMFILE)
    /// throw IOException; the caller logs and retries later.</summary>
    public abstract ValueTask<IoConnection?> AcceptAsync(CancellationToken ct = default);

    /// <summary>
    /// The next connection as a bare fd (non-blocking, close-on-exec, watched by nothing), or -1 once the listener
    /// is disposed: for a caller that reads the first bytes itself and passes the socket to another process, without
    /// the registration and pipes of <see cref="AcceptAsync"/>. Failures as for AcceptAsync. Only the epoll and
    /// io_uring backends (the portable one throws NotSupportedException).
    /// </summary>
    public virtual ValueTask<int> AcceptFdAsync(CancellationToken ct = default) =>
        throw new NotSupportedException("AcceptFdAsync needs the epoll or io_uring backend");

    /// <summary>
    /// TCP_DEFER_ACCEPT (Linux): a connection is accepted only once its first bytes arrived (or after about
    /// <paramref name="seconds"/>), so a protocol whose client speaks first costs one wake-up, not two. False when the
    /// socket or the backend cannot (Unix sockets, the portable backend).
    /// </summary>
    public virtual bool TrySetDeferAccept(int seconds) => false;

    /// <summary>The bound address (with the real port when listening on port 0).</summary>
    public abstract EndPoint LocalEndPoint { get; }

    /// <summary>Stops listening; a pending AcceptAsync returns null. A Unix socket file is removed.</summary>
    public abstract void Dispose();
}
