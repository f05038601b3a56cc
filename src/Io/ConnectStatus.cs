// How a ConnectAsync ended; an expected outcome, so a value rather than an exception.
namespace Pooler.Io;

public enum ConnectStatus
{
    Connected,
    /// <summary>Nothing listens there (ECONNREFUSED, a missing Unix socket path, or a full Unix backlog).</summary>
    Refused,
    TimedOut,
    /// <summary>No route (ENETUNREACH, EHOSTUNREACH).</summary>
    Unreachable,
    /// <summary>Any other errno; see <see cref="ConnectResult.Errno"/>.</summary>
    Failed,
    Canceled,
}
