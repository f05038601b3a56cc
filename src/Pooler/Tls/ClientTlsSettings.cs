// What the pooler needs to accept TLS from clients: its certificate, the CA for client certificates, the policy.
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Pooler.Config;
using Pooler.Protocol.Auth;

namespace Pooler.Tls;

/// <summary>Immutable: built from one options snapshot; reload builds a new one.</summary>
internal sealed class ClientTlsSettings
{
    /// <summary>ALPN protocol of PostgreSQL's direct TLS (sslnegotiation=direct); such clients must offer it.</summary>
    public static readonly SslApplicationProtocol PostgresAlpn = new("postgresql");

    private readonly SslStreamCertificateContext _context;

    public ClientTlsSettings(TlsMode mode, X509Certificate2 certificate, X509Certificate2Collection? ca, SslProtocols protocols,
        CipherSuitesPolicy? ciphers)
    {
        Mode = mode;
        Certificate = certificate;
        Ca = ca;
        Protocols = protocols;
        Ciphers = ciphers;
        _context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        ChannelBindingHash = ChannelBinding.TryComputeTlsServerEndPoint(certificate, out var hash) ? hash : null;
    }

    public TlsMode Mode { get; }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection? Ca { get; }

    public SslProtocols Protocols { get; }

    public CipherSuitesPolicy? Ciphers { get; }

    /// <summary>tls-server-end-point data of our certificate, for SCRAM-SHA-256-PLUS; null when the signature
    /// algorithm has no defined hash (channel binding is then not offered).</summary>
    public byte[]? ChannelBindingHash { get; }

    /// <summary>Plain connections are refused ("SSL required") from require upwards, as in PgBouncer.</summary>
    public bool RequiresTls => Mode >= TlsMode.Require;

    /// <summary>verify-ca and verify-full: a client must present a certificate signed by client_tls_ca_file.</summary>
    public bool RequiresClientCertificate => Mode >= TlsMode.VerifyCa;

    public SslServerAuthenticationOptions CreateOptions(bool direct) => new()
    {
        ServerCertificateContext = _context,
        EnabledSslProtocols = Protocols,
        CipherSuitesPolicy = Ciphers,
        // With a CA file, ask for a certificate (cert auth needs it); whether it is mandatory is decided below.
        ClientCertificateRequired = Ca is not null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ApplicationProtocols = direct ? [PostgresAlpn] : null,
        RemoteCertificateValidationCallback = ValidateClient,
    };

    private bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
            return !RequiresClientCertificate;
        // A presented certificate must verify, as in PostgreSQL: a bad one fails the handshake even when optional.
        return Ca is not null && TlsVerification.ChainsTo(certificate, chain, Ca);
    }
}
