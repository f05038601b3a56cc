// The SCRAM-SHA-256 key derivations of RFC 5802/7677, shared by the server and client sides.
using System.Security.Cryptography;
using System.Text;

namespace Pooler.Protocol.Auth;

/// <summary>HMAC/hash steps named as RFC 5802 names them.</summary>
internal static class ScramPrimitives
{
    public const int KeyLength = 32;

    /// <summary>SaltedPassword := Hi(Normalize(password), salt, i), with PostgreSQL's SASLprep-or-raw rule.</summary>
    public static byte[] SaltedPassword(string password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(SaslPrep.PreparePassword(password)), salt, iterations, HashAlgorithmName.SHA256, KeyLength);

    public static byte[] ClientKey(byte[] saltedPassword) => HMACSHA256.HashData(saltedPassword, "Client Key"u8);

    public static byte[] ServerKey(byte[] saltedPassword) => HMACSHA256.HashData(saltedPassword, "Server Key"u8);

    public static byte[] StoredKey(ReadOnlySpan<byte> clientKey) => SHA256.HashData(clientKey);

    public static byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    public static byte[] Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var result = new byte[a.Length];
        for (int i = 0; i < a.Length; i++)
            result[i] = (byte)(a[i] ^ b[i]);
        return result;
    }

    /// <summary>A printable nonce: 18 random bytes in base64 (24 characters, never ','), as PostgreSQL makes them.</summary>
    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));

    /// <summary>RFC 5802 "printable": 0x21–0x7E except ','.</summary>
    public static bool IsPrintable(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (c < 0x21 || c > 0x7E || c == ',')
                return false;
        return true;
    }
}
