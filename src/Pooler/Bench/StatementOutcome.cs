// What became of one statement (or login) a bench client sent.
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

/// <summary>Status, SQLSTATE and message of an error, and the last transaction status the server reported.</summary>
public readonly record struct StatementOutcome(StatementStatus Status, string? SqlState = null, string? Message = null);
