// Minimal SCRAM-SHA-256 client (RFC 5802/7677) for server logins with a plain password, no channel binding.
using System.Security.Cryptography;
using System.Text;

namespace Pooler.Auth;

/// <summary>
/// One SCRAM exchange as the client. Kept here until the Protocol library's client (with SASLprep and channel
/// binding) is available to the login code; passwords are used as given (SASLprep is the identity for ASCII).
/// </summary>
internal sealed class ScramClientSession(string password)
{
    private readonly string _clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private string _clientFirstBare = "";
    private byte[] _expectedServerSignature = [];

    /// <summary>client-first-message: no channel binding, empty user name (PostgreSQL uses the startup user).</summary>
    public byte[] ClientFirst()
    {
        _clientFirstBare = "n=,r=" + _clientNonce;
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    /// <summary>client-final-message for the server-first-message, or null when the latter is malformed.</summary>
    public byte[]? ClientFinal(byte[] serverFirstBytes)
    {
        var serverFirst = Encoding.UTF8.GetString(serverFirstBytes);
        string? nonce = null, salt = null;
        var iterations = 0;
        foreach (var part in serverFirst.Split(','))
        {
            if (part.StartsWith("r=", StringComparison.Ordinal)) nonce = part[2..];
            else if (part.StartsWith("s=", StringComparison.Ordinal)) salt = part[2..];
            else if (part.StartsWith("i=", StringComparison.Ordinal)) int.TryParse(part[2..], out iterations);
        }
        if (nonce is null || salt is null || iterations <= 0 || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal))
            return null;
        byte[] saltBytes;
        try
        {
            saltBytes = Convert.FromBase64String(salt);
        }
        catch (FormatException)
        {
            return null;
        }

        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), saltBytes, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var withoutProof = "c=biws,r=" + nonce;
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirst + "," + withoutProof);
        var signature = HMACSHA256.HashData(storedKey, authMessage);
        for (var i = 0; i < clientKey.Length; i++)
            clientKey[i] ^= signature[i];
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        _expectedServerSignature = HMACSHA256.HashData(serverKey, authMessage);
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(clientKey));
    }

    public bool VerifyServerFinal(byte[] serverFinalBytes)
    {
        var serverFinal = Encoding.UTF8.GetString(serverFinalBytes);
        if (!serverFinal.StartsWith("v=", StringComparison.Ordinal))
            return false;
        try
        {
            var signature = Convert.FromBase64String(serverFinal[2..].Split(',')[0]);
            return _expectedServerSignature.Length > 0 && CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
