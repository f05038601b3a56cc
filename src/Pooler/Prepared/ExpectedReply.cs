// One entry of a server connection's queue of replies still to come, in the order the messages were sent.
namespace Pooler.Prepared;

/// <summary>
/// Lets replies the pooler injected be swallowed, replies it synthesises be inserted at the right place, and an
/// error be followed by the server's skip to Sync (undoing statements whose Parse never happened).
/// </summary>
internal sealed class ExpectedReply(ReplyKind kind)
{
    public ReplyKind Kind { get; } = kind;

    /// <summary>Injected by the pooler: its ParseComplete / CloseComplete is not forwarded.</summary>
    public bool Swallow { get; init; }

    /// <summary>For Parse: the cache entry to forget if the Parse fails.</summary>
    public CachedStatement? Cached { get; init; }

    /// <summary>For a client's named Parse: the client's map and name, undone if the Parse fails.</summary>
    public ClientStatements? ClientMap { get; init; }

    public string? ClientName { get; init; }

    /// <summary>For Execute: what the executed statement does to session settings.</summary>
    public SqlCommand? Command { get; init; }

    /// <summary>For Query: its SET/RESET statements, matched in order to the "SET"/"RESET" tags.</summary>
    public SqlScript? Script { get; init; }

    public int NextSetCommand { get; set; }

    /// <summary>Where settings changes and DISCARD ALL land on the client side (the client that sent the message).</summary>
    public ISessionStateOwner? Client { get; init; }

    public bool IsSynthesised => Kind is ReplyKind.SynthesisedParseComplete or ReplyKind.SynthesisedCloseComplete;
}
