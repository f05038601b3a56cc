// How one statement a bench client sent ended.
namespace Pooler.Bench;

public enum StatementStatus
{
    /// <summary>ReadyForQuery arrived without an ErrorResponse.</summary>
    Ok,

    /// <summary>The server answered with an ErrorResponse (SQLSTATE in the outcome); the connection is usable.</summary>
    Error,

    /// <summary>The connection closed or broke; the client cannot go on with it.</summary>
    ConnectionLost,
}
