// A SCRAM-SHA-256 verifier as PostgreSQL stores it: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.
namespace Pooler.Config;

/// <summary>The parts of a stored SCRAM-SHA-256 secret (RFC 5802 / RFC 7677 as PostgreSQL writes them).</summary>
public sealed record ScramSecret(int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey)
{
    public const string Prefix = "SCRAM-SHA-256$";

    /// <summary>Parses PostgreSQL's text form; false on any malformed part.</summary>
    public static bool TryParse(string text, out ScramSecret? secret)
    {
        secret = null;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var halves = text[Prefix.Length..].Split('$');
        if (halves.Length != 2)
            return false;
        var head = halves[0].Split(':');
        var keys = halves[1].Split(':');
        if (head.Length != 2 || keys.Length != 2)
            return false;
        if (!int.TryParse(head[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations)
            || iterations < 1)
            return false;
        var salt = FromBase64(head[1]);
        var storedKey = FromBase64(keys[0]);
        var serverKey = FromBase64(keys[1]);
        // SHA-256 keys are 32 bytes; anything else is not a verifier this method can use.
        if (salt is null || salt.Length == 0 || storedKey is not { Length: 32 } || serverKey is not { Length: 32 })
            return false;
        secret = new ScramSecret(iterations, salt, storedKey, serverKey);
        return true;
    }

    private static byte[]? FromBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Never prints key material.</summary>
    public override string ToString() => $"ScramSecret {{ Iterations = {Iterations} }}";
}
