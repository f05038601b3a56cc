// PostgreSQL's md5 authentication, both sides: "md5" + md5(md5(password + user) + salt), compared in constant time.
using System.Security.Cryptography;
using System.Text;

namespace Pooler.Protocol.Auth;

/// <summary>MD5 password hashing as PostgreSQL does it (stored form "md5" + 32 hex digits).</summary>
public static class Md5Password
{
    public const string Prefix = "md5";

    /// <summary>True for a stored md5 hash ("md5" followed by 32 lowercase hex digits).</summary>
    public static bool IsMd5Hash(string stored) =>
        stored.Length == 35 && stored.StartsWith(Prefix, StringComparison.Ordinal) && stored.AsSpan(3).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>The stored form: "md5" + hex(md5(password + user)).</summary>
    public static string Hash(string user, string password) =>
        Prefix + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));

    /// <summary>
    /// The PasswordMessage a client sends for a salt: "md5" + hex(md5(hex + salt)) where hex is the stored hash's
    /// digits. <paramref name="passwordOrHash"/> may be the plain password or an already stored md5 hash.
    /// </summary>
    public static string ClientResponse(string user, string passwordOrHash, ReadOnlySpan<byte> salt)
    {
        var stored = IsMd5Hash(passwordOrHash) ? passwordOrHash : Hash(user, passwordOrHash);
        var inner = Encoding.ASCII.GetBytes(stored.Substring(3));
        return Prefix + Convert.ToHexStringLower(MD5.HashData([.. inner, .. salt]));
    }

    /// <summary>Server side: checks a client's response against a stored md5 hash or plain password.</summary>
    public static bool Verify(string user, string storedPasswordOrHash, ReadOnlySpan<byte> salt, string clientResponse) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(ClientResponse(user, storedPasswordOrHash, salt)),
            Encoding.UTF8.GetBytes(clientResponse));

    /// <summary>A fresh random 4-byte salt for AuthenticationMD5Password.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(4);
}
