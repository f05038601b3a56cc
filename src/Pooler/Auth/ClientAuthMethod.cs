// How one client login is checked, from auth_type or the matching auth_hba_file line.
namespace Pooler.Auth;

internal enum ClientAuthMethod
{
    Trust,

    /// <summary>hba "reject": 28000 without asking for a password.</summary>
    Reject,

    /// <summary>Cleartext password ("plain" / hba "password").</summary>
    Password,

    /// <summary>MD5 challenge, or SCRAM when the stored secret is a SCRAM verifier, as PostgreSQL does.</summary>
    Md5,

    ScramSha256,

    /// <summary>TLS client certificate: recognised, refused until the TLS work hooks it in.</summary>
    Cert,
}
