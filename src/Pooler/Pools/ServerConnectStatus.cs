// Outcome kinds of opening and logging in one server connection.
namespace Pooler.Pools;

internal enum ServerConnectStatus
{
    /// <summary>Logged in and ReadyForQuery seen.</summary>
    Connected,

    /// <summary>The host could not be reached or dropped us (refused, timeout, 57P03 starting up, EOF): host back-off.</summary>
    HostUnavailable,

    /// <summary>The server refused this login (password, unknown database or role): back-off for this pool only.</summary>
    LoginRejected,
}
