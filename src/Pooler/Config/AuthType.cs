// How clients authenticate to the pooler (PgBouncer's auth_type).
namespace Pooler.Config;

/// <summary>Client authentication method. TOML: "trust" | "plain" | "md5" | "scram-sha-256" | "hba" | "cert".</summary>
public enum AuthType
{
    /// <summary>No password; the user name is still checked against auth_file when one is set.</summary>
    Trust,

    /// <summary>Cleartext password (only sensible over TLS).</summary>
    Plain,

    /// <summary>MD5 challenge, or SCRAM when the stored secret is a SCRAM secret (as PgBouncer does).</summary>
    Md5,

    /// <summary>SCRAM-SHA-256 (with channel binding on TLS connections).</summary>
    ScramSha256,

    /// <summary>The method comes from the first matching line of auth_hba_file.</summary>
    Hba,

    /// <summary>TLS client certificate; its common name is the user name.</summary>
    Cert,
}
