// TLS requirement for one side of the pooler (client_tls_sslmode, server_tls_sslmode), as libpq's sslmode.
namespace Pooler.Config;

/// <summary>TLS mode. TOML: "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full".</summary>
public enum TlsMode
{
    /// <summary>Never use TLS.</summary>
    Disable,

    /// <summary>Use TLS if the other side asks for it.</summary>
    Allow,

    /// <summary>Use TLS when possible, plain otherwise.</summary>
    Prefer,

    /// <summary>Require TLS, without verifying the peer's certificate.</summary>
    Require,

    /// <summary>Require TLS and a peer certificate signed by the configured CA.</summary>
    VerifyCa,

    /// <summary>As verify-ca, and the certificate must name the host.</summary>
    VerifyFull,
}
