// What the pooler needs to speak TLS to PostgreSQL: the mode, the CA to trust, an optional client certificate.
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Pooler.Config;

namespace Pooler.Tls;

/// <summary>Immutable: built from one options snapshot; reload builds a new one.</summary>
internal sealed class ServerTlsSettings(TlsMode mode, X509Certificate2? clientCertificate, X509Certificate2Collection? ca,
    SslProtocols protocols, CipherSuitesPolicy? ciphers)
{
    public TlsMode Mode { get; } = mode;

    /// <summary>Whether the first login attempt sends SSLRequest: prefer and up do; allow starts in plain text.</summary>
    public bool AsksForTls => Mode >= TlsMode.Prefer;

    /// <summary>allow and prefer try the other way once when the server refuses the first login (as libpq).</summary>
    public bool TriesBothWays => Mode is TlsMode.Allow or TlsMode.Prefer;

    /// <summary>From require upwards a server that answers 'N' is not used.</summary>
    public bool RequiresTls => Mode >= TlsMode.Require;

    public SslClientAuthenticationOptions CreateOptions(string host) => new()
    {
        // SNI and the name check of verify-full; an IP address is matched against the certificate's IP entries.
        TargetHost = host,
        EnabledSslProtocols = protocols,
        CipherSuitesPolicy = ciphers,
        ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = ValidateServer,
    };

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Mode < TlsMode.VerifyCa)
            return true;
        if (certificate is null)
            return false;
        if (Mode == TlsMode.VerifyFull && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return false;
        if (ca is not null)
            return TlsVerification.ChainsTo(certificate, chain, ca);
        // No CA file: the system store, as .NET already judged it.
        return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
    }
}
