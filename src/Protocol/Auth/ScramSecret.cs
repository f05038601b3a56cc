// A stored SCRAM-SHA-256 secret in PostgreSQL's format, SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>.
using System.Security.Cryptography;

namespace Pooler.Protocol.Auth;

/// <summary>What a server keeps to verify SCRAM logins without knowing the password.</summary>
public sealed record ScramSecret(int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey)
{
    public const string Prefix = "SCRAM-SHA-256$";

    /// <summary>PostgreSQL's default scram_iterations.</summary>
    public const int DefaultIterations = 4096;

    /// <summary>Parses PostgreSQL's text form; false for anything else (e.g. an md5 hash or a plain password).</summary>
    public static bool TryParse(string text, out ScramSecret secret)
    {
        secret = null!;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var parts = text.Substring(Prefix.Length).Split('$');
        if (parts.Length != 2)
            return false;
        var iterSalt = parts[0].Split(':');
        var keys = parts[1].Split(':');
        if (iterSalt.Length != 2 || keys.Length != 2 || !int.TryParse(iterSalt[0], System.Globalization.NumberStyles.None, null, out int iterations) || iterations < 1)
            return false;
        if (!TryBase64(iterSalt[1], out var salt) || !TryBase64(keys[0], out var stored) || !TryBase64(keys[1], out var server)
            || stored.Length != ScramPrimitives.KeyLength || server.Length != ScramPrimitives.KeyLength || salt.Length == 0)
            return false;
        secret = new ScramSecret(iterations, salt, stored, server);
        return true;
    }

    /// <summary>Derives a secret from a password (SASLprep applied as PostgreSQL does); random 16-byte salt by default.</summary>
    public static ScramSecret FromPassword(string password, int iterations = DefaultIterations, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        var salted = ScramPrimitives.SaltedPassword(password, salt, iterations);
        return new ScramSecret(iterations, salt, ScramPrimitives.StoredKey(ScramPrimitives.ClientKey(salted)), ScramPrimitives.ServerKey(salted));
    }

    public override string ToString() =>
        $"{Prefix}{Iterations}:{Convert.ToBase64String(Salt)}${Convert.ToBase64String(StoredKey)}:{Convert.ToBase64String(ServerKey)}";

    private static bool TryBase64(string s, out byte[] bytes)
    {
        var buffer = new byte[(s.Length * 3 + 3) / 4];
        if (Convert.TryFromBase64String(s, buffer, out int n))
        {
            bytes = buffer.AsSpan(0, n).ToArray();
            return true;
        }
        bytes = [];
        return false;
    }
}
