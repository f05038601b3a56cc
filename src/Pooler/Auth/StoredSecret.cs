// A user's stored secret as auth_file or auth_query gives it: plain text, an md5 hash or a SCRAM verifier.
using Pooler.Config;
using Pooler.Protocol.Auth;
using ProtocolScramSecret = Pooler.Protocol.Auth.ScramSecret;

namespace Pooler.Auth;

/// <summary>
/// What the pooler knows of a user's password. The kind decides which exchanges can verify it: plain text any,
/// an md5 hash only MD5 (or cleartext), a SCRAM verifier SCRAM (or cleartext). Never printed.
/// </summary>
internal sealed class StoredSecret
{
    private StoredSecret(string value, SecretKind kind, ProtocolScramSecret? scram)
    {
        Value = value;
        Kind = kind;
        Scram = scram;
    }

    public string Value { get; }

    public SecretKind Kind { get; }

    /// <summary>The parsed verifier when <see cref="Kind"/> is SCRAM.</summary>
    public ProtocolScramSecret? Scram { get; }

    /// <summary>Classifies a secret as PostgreSQL does: "SCRAM-SHA-256$…" or "md5" + 32 hex digits, else plain.
    /// A string that looks like a SCRAM secret but does not parse is treated as plain text, as PostgreSQL does.</summary>
    public static StoredSecret From(string value)
    {
        if (ProtocolScramSecret.TryParse(value, out var scram))
            return new StoredSecret(value, SecretKind.ScramSha256, scram);
        if (value.Length == 35 && value.StartsWith(Md5Password.Prefix, StringComparison.Ordinal)
            && !value.AsSpan(3).ContainsAnyExcept("0123456789abcdefABCDEF"))
            return new StoredSecret(value.ToLowerInvariant(), SecretKind.Md5, null);
        return new StoredSecret(value, SecretKind.Plain, null);
    }

    public override string ToString() => $"StoredSecret {{ Kind = {Kind} }}";
}
