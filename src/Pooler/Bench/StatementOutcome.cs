// What became of one statement a bench client sent: its status and, for an error, the SQLSTATE and message.
namespace Pooler.Bench;

/// <summary>The status, plus the SQLSTATE and message of the first error (or why the connection was lost).</summary>
public readonly record struct StatementOutcome(StatementStatus Status, string? SqlState = null, string? Message = null);
