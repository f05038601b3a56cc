// An error the pool hands to waiting clients: the server's own (SQLSTATE + message) or one the pooler made.
namespace Pooler.Pools;

/// <summary>An error to send to a client as an ErrorResponse; <paramref name="SqlState"/> is a 5-character code.</summary>
internal sealed record PoolError(string SqlState, string Message)
{
    public override string ToString() => $"{SqlState}: {Message}";
}
