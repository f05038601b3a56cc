// A listening socket owned by an engine. AcceptAsync completes on the loop thread when called there.
using System.Net;

namespace Pooler.Io;

public abstract class IoListener : IDisposable
{
    /// <summary>The next connection, or null once the listener is disposed. System-level failures (e.g. EMFILE)
    /// throw IOException; the caller logs and retries later.</summary>
    public abstract ValueTask<IoConnection?> AcceptAsync(CancellationToken ct = default);

    /// <summary>The bound address (with the real port when listening on port 0).</summary>
    public abstract EndPoint LocalEndPoint { get; }

    /// <summary>Stops listening; a pending AcceptAsync returns null. A Unix socket file is removed.</summary>
    public abstract void Dispose();
}
