// The CommandComplete tags that change what a pooler must remember about a server session.
namespace Pooler.Protocol;

/// <summary>What a command tag means for session tracking; every other tag ("SELECT 1", "UPDATE 3", ...) is Other.</summary>
public enum SessionTag : byte
{
    Other,
    Set,
    Reset,
    Commit,
    Rollback,
    DiscardAll,
    DeallocateAll,
}
