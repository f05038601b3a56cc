// The form a stored password takes in auth_file or pg_shadow: it decides which auth exchanges can use it.
namespace Pooler.Config;

/// <summary>Kind of a stored secret.</summary>
public enum SecretKind
{
    /// <summary>The password itself; any method can use it.</summary>
    Plain,

    /// <summary>"md5" + md5(password + user) in hex; usable for MD5 auth only.</summary>
    Md5,

    /// <summary>"SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey"; usable for SCRAM only.</summary>
    ScramSha256,
}
