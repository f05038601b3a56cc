// Outcome kinds of a client asking its pool for a server.
namespace Pooler.Pools;

internal enum AcquireStatus
{
    Acquired,

    /// <summary>No server within query_wait_timeout.</summary>
    TimedOut,

    /// <summary>Logins to the server are failing; the result carries the last login error.</summary>
    LoginFailed,

    /// <summary>The pooler is shutting down.</summary>
    Shutdown,

    /// <summary>The caller gave up waiting (its client disconnected); it left the queue and took no server.</summary>
    Cancelled,
}
