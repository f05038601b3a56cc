// Why a client session ended; one value handled by one cleanup method (ClientSession.Cleanup.cs).
namespace Pooler.Clients;

// byte-sized: the session's SessionEnd? field then takes 2 bytes instead of 8 on every client.
internal enum SessionEnd : byte
{
    /// <summary>Terminate, or EOF between messages.</summary>
    ClientClosed,

    /// <summary>The connection was a CancelRequest; it is closed without a reply, as PostgreSQL does.</summary>
    CancelRequest,

    /// <summary>Malformed, oversized or unexpected bytes: 08P01 and close.</summary>
    ProtocolViolation,

    /// <summary>A startup parameter the pooler cannot honour on shared servers: 08P01.</summary>
    UnsupportedParameter,

    /// <summary>No StartupMessage within client_login_timeout.</summary>
    LoginTimeout,

    /// <summary>The user name is missing or refused (28000 / 28P01).</summary>
    AuthFailed,

    /// <summary>No [databases] entry serves the requested database: 3D000.</summary>
    UnknownDatabase,

    /// <summary>max_client_conn reached: 53300.</summary>
    TooManyClients,

    /// <summary>No server could be had: query_wait_timeout or logins failing (the server's error is passed on).</summary>
    NoServer,

    /// <summary>The linked server died or broke the protocol: its error or 08006.</summary>
    ServerLost,

    /// <summary>A transaction was opened in statement pooling mode.</summary>
    StatementModeTransaction,

    /// <summary>client_idle_timeout: idle outside a transaction too long (08P01, as PgBouncer).</summary>
    ClientIdleTimeout,

    /// <summary>query_timeout: a query ran too long (57014); its server is cancelled and closed.</summary>
    QueryTimeout,

    /// <summary>idle_transaction_timeout: idle inside a transaction too long (25P03); the server is rolled back and reused.</summary>
    IdleTransactionTimeout,

    /// <summary>The pooler is shutting down: 57P01.</summary>
    Shutdown,

    /// <summary>A bug: logged with its exception; the client gets XX000.</summary>
    InternalError,
}
