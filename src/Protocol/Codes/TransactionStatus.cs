// The status byte of ReadyForQuery, which tells the pooler when a server may return to the pool.
namespace Pooler.Protocol;

/// <summary>Transaction status carried by ReadyForQuery ('Z').</summary>
public enum TransactionStatus : byte
{
    /// <summary>'I': not in a transaction block; in transaction mode the server can go back to the pool.</summary>
    Idle = (byte)'I',
    /// <summary>'T': in a transaction block.</summary>
    InTransaction = (byte)'T',
    /// <summary>'E': in a failed transaction block; queries are rejected until the block ends.</summary>
    Failed = (byte)'E',
}
