// Answers a PostgreSQL server's authentication requests when the pooler logs in: cleartext, MD5, SCRAM-SHA-256.
using System.Buffers;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Protocol.Auth;

namespace Pooler.Auth;

/// <summary>
/// The pooler's side of one server login. The secret comes from the [databases] entry or auth_file: plain text
/// answers every method; an "md5…" auth_file entry can answer only an MD5 challenge (the hash is what MD5 sends),
/// a SCRAM secret none (SCRAM needs the password or keys recovered from the client, which is issue 6's pass-through).
/// </summary>
internal sealed class ServerLoginAuth(string user, string? secret)
{
    private ScramClient? _scram;

    private bool IsMd5Hash => secret is not null && Md5Password.IsMd5Hash(secret);

    private bool IsScramSecret => secret is not null && secret.StartsWith("SCRAM-SHA-256$", StringComparison.Ordinal);

    private bool IsPlain => secret is not null && !IsMd5Hash && !IsScramSecret;

    /// <summary>Write the answer to <paramref name="request"/>; a non-null result means the login cannot go on.</summary>
    public PoolError? Respond(AuthenticationMessage request, IBufferWriter<byte> output)
    {
        switch (request.Type)
        {
            case AuthenticationRequestType.AuthenticationCleartextPassword:
                if (!IsPlain)
                    return NoPassword("cleartext");
                FrontendMessages.WritePasswordMessage(output, secret!);
                return null;
            case AuthenticationRequestType.AuthenticationMD5Password:
                if (!IsPlain && !IsMd5Hash)
                    return NoPassword("md5");
                FrontendMessages.WritePasswordMessage(output, Md5Password.ClientResponse(user, secret!, request.GetMd5Salt()));
                return null;
            case AuthenticationRequestType.AuthenticationSASL:
                if (!IsPlain)
                    return NoPassword("SCRAM-SHA-256");
                // No TLS to the server yet, so no channel binding: plain SCRAM-SHA-256.
                _scram = new ScramClient(secret!);
                if (_scram.SelectMechanism(request.GetSaslMechanisms()) is not { } mechanism)
                    return new PoolError(SqlState.InvalidAuthorizationSpecification, "server offers no supported SASL mechanism");
                FrontendMessages.WriteSASLInitialResponse(output, mechanism, _scram.CreateClientFirst(mechanism));
                return null;
            case AuthenticationRequestType.AuthenticationSASLContinue:
                if (_scram is null || _scram.HandleServerFirst(request.Data.ToArray(), out var clientFinal) != AuthStatus.Continue)
                    return ScramFailed();
                FrontendMessages.WriteSASLResponse(output, clientFinal);
                return null;
            case AuthenticationRequestType.AuthenticationSASLFinal:
                return _scram is not null && _scram.HandleServerFinal(request.Data.ToArray()) == AuthStatus.Success ? null : ScramFailed();
            default:
                return new PoolError(SqlState.FeatureNotSupported, $"unsupported server authentication method {request.Type}");
        }
    }

    private PoolError ScramFailed() => new(SqlState.InvalidAuthorizationSpecification,
        $"SCRAM exchange with the server failed{(_scram is null ? "" : ": " + _scram.Failure)}");

    private PoolError NoPassword(string method) => new(SqlState.InvalidPassword,
        $"no usable password for user \"{user}\" to answer the server's {method} request (set password in [databases] or a plain-text auth_file entry)");
}
