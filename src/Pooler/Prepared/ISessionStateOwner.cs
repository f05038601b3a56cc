// The client side of session-state tracking: what a server tells the pooler the client's statements did.
namespace Pooler.Prepared;

internal interface ISessionStateOwner
{
    /// <summary>The client's SET/RESET took effect (its transaction committed).</summary>
    void OnSettingCommitted(SqlCommand command);

    /// <summary>The client ran DISCARD ALL or DEALLOCATE ALL: its named statements are gone.</summary>
    void OnStatementsDiscarded(bool discardAll);
}
