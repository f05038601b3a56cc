// How forwarding one cancel to PostgreSQL ended (a value, for the log and the tests).
namespace Pooler.Servers;

internal enum CancelSendStatus
{
    /// <summary>Sent, and PostgreSQL closed the connection as it does once it has handled the request.</summary>
    Sent,

    /// <summary>The server never sent BackendKeyData, so there is nothing to cancel with.</summary>
    NoKey,

    /// <summary>The server's address did not accept a connection.</summary>
    ConnectFailed,

    /// <summary>cancel_wait_timeout passed before PostgreSQL took the request and closed.</summary>
    TimedOut,

    /// <summary>An I/O error on the cancel connection.</summary>
    Failed,
}
