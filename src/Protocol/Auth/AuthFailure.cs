// Why an authentication exchange failed, so the session can log it and pick the SQLSTATE.
namespace Pooler.Protocol.Auth;

/// <summary>Reason for <see cref="AuthStatus.Failed"/>.</summary>
public enum AuthFailure
{
    None,
    /// <summary>A SCRAM message that does not follow RFC 5802's grammar (send 08P01).</summary>
    MalformedMessage,
    /// <summary>A step arrived out of order (e.g. client-final before client-first).</summary>
    UnexpectedMessage,
    /// <summary>A mechanism other than SCRAM-SHA-256 / SCRAM-SHA-256-PLUS, or PLUS without a certificate hash.</summary>
    UnsupportedMechanism,
    /// <summary>An authorization identity (a=) or mandatory extension (m=), which PostgreSQL does not support either.</summary>
    UnsupportedFeature,
    /// <summary>Channel binding flags or data do not match: a downgrade ('y' while PLUS was offered) or a different certificate.</summary>
    ChannelBindingMismatch,
    /// <summary>The nonce in the final message is not the one agreed.</summary>
    NonceMismatch,
    /// <summary>Wrong password (ClientProof did not verify), or an unknown user's mock exchange.</summary>
    InvalidProof,
    /// <summary>Client side: the server's signature did not verify, or it sent e=.</summary>
    ServerNotAuthenticated,
    /// <summary>Client side: the server asked for iterations or a salt that make no sense.</summary>
    InvalidServerParameters,
}
