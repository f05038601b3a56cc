// Outcome of one step of an authentication exchange (SCRAM or MD5), on either side.
namespace Pooler.Protocol.Auth;

/// <summary>Where an authentication exchange stands after a step.</summary>
public enum AuthStatus
{
    /// <summary>Send the produced message and wait for the peer's next one.</summary>
    Continue,
    /// <summary>The peer proved itself (server side) or the server's signature checked out (client side).</summary>
    Success,
    /// <summary>The exchange failed; <c>Failure</c> says why. The pooler answers 28P01 (or 08P01 for malformed input).</summary>
    Failed,
}
