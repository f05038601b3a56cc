// When a server connection goes back to its pool (PgBouncer's pool_mode).
namespace Pooler.Config;

/// <summary>When a server connection returns to the pool. TOML: "session" | "transaction" | "statement".</summary>
public enum PoolMode
{
    /// <summary>The server belongs to the client until it disconnects; then server_reset_query runs.</summary>
    Session,

    /// <summary>The server returns to the pool when ReadyForQuery reports idle ('I').</summary>
    Transaction,

    /// <summary>The server returns after every statement; multi-statement transactions are refused.</summary>
    Statement,
}
