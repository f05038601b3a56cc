// Answers a PostgreSQL server's authentication requests when the pooler logs in: cleartext, MD5, SCRAM-SHA-256.
using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Pooler.Pools;
using Pooler.Protocol;

namespace Pooler.Auth;

/// <summary>
/// The pooler's side of one server login. The secret comes from the [databases] entry or auth_file: plain text
/// answers every method; an "md5…" auth_file entry can answer only an MD5 challenge (the hash is what MD5 sends),
/// a SCRAM secret none (SCRAM needs the password or keys recovered from the client, which is issue 6's pass-through).
/// </summary>
internal sealed class ServerLoginAuth(string user, string? secret)
{
    private ScramClientSession? _scram;

    private bool IsMd5Hash => secret is { Length: 35 } s && s.StartsWith("md5", StringComparison.Ordinal);

    private bool IsScramSecret => secret is not null && secret.StartsWith("SCRAM-SHA-256$", StringComparison.Ordinal);

    /// <summary>Write the answer to <paramref name="request"/>; a non-null result means the login cannot go on.</summary>
    public PoolError? Respond(AuthenticationMessage request, IBufferWriter<byte> output)
    {
        switch (request.Type)
        {
            case AuthenticationRequestType.AuthenticationCleartextPassword:
                if (secret is null || IsMd5Hash || IsScramSecret)
                    return NoPassword("cleartext");
                FrontendMessages.WritePasswordMessage(output, secret);
                return null;
            case AuthenticationRequestType.AuthenticationMD5Password:
                if (secret is null || IsScramSecret)
                    return NoPassword("md5");
                FrontendMessages.WritePasswordMessage(output, Md5Response(request.GetMd5Salt()));
                return null;
            case AuthenticationRequestType.AuthenticationSASL:
                if (secret is null || IsMd5Hash || IsScramSecret)
                    return NoPassword("SCRAM-SHA-256");
                if (!request.GetSaslMechanisms().Contains("SCRAM-SHA-256"))
                    return new PoolError(SqlState.InvalidAuthorizationSpecification, "server offers no supported SASL mechanism");
                _scram = new ScramClientSession(secret);
                FrontendMessages.WriteSASLInitialResponse(output, "SCRAM-SHA-256", _scram.ClientFirst());
                return null;
            case AuthenticationRequestType.AuthenticationSASLContinue:
                if (_scram?.ClientFinal(request.Data.ToArray()) is not { } final)
                    return new PoolError(SqlState.InvalidAuthorizationSpecification, "invalid SCRAM server-first-message");
                FrontendMessages.WriteSASLResponse(output, final);
                return null;
            case AuthenticationRequestType.AuthenticationSASLFinal:
                return _scram is not null && _scram.VerifyServerFinal(request.Data.ToArray())
                    ? null
                    : new PoolError(SqlState.InvalidAuthorizationSpecification, "SCRAM server signature did not verify");
            default:
                return new PoolError(SqlState.FeatureNotSupported, $"unsupported server authentication method {request.Type}");
        }
    }

    private PoolError NoPassword(string method) => new(SqlState.InvalidPassword,
        $"no usable password for user \"{user}\" to answer the server's {method} request (set password in [databases] or a plain-text auth_file entry)");

    /// <summary>"md5" + md5(md5(password + user) + salt); an md5 auth_file entry already is the inner hash.</summary>
    private string Md5Response(ReadOnlySpan<byte> salt)
    {
        var inner = IsMd5Hash ? secret!.Substring(3) : Hex(MD5.HashData(Encoding.UTF8.GetBytes(secret + user)));
        var outerInput = new byte[inner.Length + salt.Length];
        Encoding.ASCII.GetBytes(inner, outerInput);
        salt.CopyTo(outerInput.AsSpan(inner.Length));
        return "md5" + Hex(MD5.HashData(outerInput));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
