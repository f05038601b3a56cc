// What TLS and authentication established for a session, made on first use: a plain connection with trust auth
// (most idle clients) holds none of these five fields.
using Pooler.Auth;

namespace Pooler.Clients;

/// <summary>Set by ClientSession.Tls.cs and ClientSession.Auth.cs; read by auth, hba and SHOW CLIENTS.</summary>
internal sealed class ClientSecurity
{
    /// <summary>The connection runs over TLS (hostssl lines match only such connections).</summary>
    public bool IsTls;

    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384" (SHOW CLIENTS `tls` column); null before TLS.</summary>
    public string? TlsDescription;

    /// <summary>The user name a verified TLS client certificate proves (its CN); null without one.</summary>
    public string? CertificateUser;

    /// <summary>tls-server-end-point hash of the pooler's certificate: SCRAM then offers SCRAM-SHA-256-PLUS.</summary>
    public byte[]? ChannelBindingHash;

    /// <summary>The SASL mechanism the client completed; null without SCRAM.</summary>
    public string? SaslMechanism;

    /// <summary>What the login proved, kept only until the pool is known (ApplyLearnedCredential).</summary>
    public PassThroughCredential? LearnedCredential;

    /// <summary>Nothing left worth keeping for the rest of the session.</summary>
    public bool IsEmpty => !IsTls && TlsDescription is null && CertificateUser is null && ChannelBindingHash is null
        && SaslMechanism is null && LearnedCredential is null;
}
