// Answers a PostgreSQL server's authentication requests when the pooler logs in: cleartext, MD5, SCRAM-SHA-256.
using System.Buffers;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Protocol.Auth;

namespace Pooler.Auth;

/// <summary>
/// The pooler's side of one server login. The secret comes from the [databases] entry or auth_file: plain text
/// answers every method; an "md5…" auth_file entry can answer only an MD5 challenge (the hash is what MD5 sends).
/// A user known only by a SCRAM verifier (auth_file or auth_query) logs in with what a client's own login left
/// behind (<see cref="PassThroughCredential"/>): the ClientKey/ServerKey recovered from its SCRAM proof, or the
/// password it sent in clear text.
/// </summary>
internal sealed class ServerLoginAuth
{
    private readonly string _user;
    private readonly string? _secret;
    private readonly PassThroughCredential? _passThrough;
    private ScramClient? _scram;

    public ServerLoginAuth(string user, string? secret, PassThroughCredential? passThrough = null)
    {
        _user = user;
        _passThrough = passThrough;
        // A stored secret that is not the password gives way to a password learned from a client.
        var stored = secret is not null && !Md5Password.IsMd5Hash(secret) && !secret.StartsWith("SCRAM-SHA-256$", StringComparison.Ordinal);
        _secret = stored || passThrough?.Password is null ? secret : passThrough.Password;
    }

    /// <summary>tls-server-end-point hash of the server's certificate when the login runs over TLS (set by the TLS code).</summary>
    public byte[]? ChannelBindingHash { get; init; }

    /// <summary>The SASL mechanism chosen (SCRAM-SHA-256 or SCRAM-SHA-256-PLUS); null when the server asked no SASL.</summary>
    public string? Mechanism { get; private set; }

    private bool IsMd5Hash => _secret is not null && Md5Password.IsMd5Hash(_secret);

    private bool IsScramSecret => _secret is not null && _secret.StartsWith("SCRAM-SHA-256$", StringComparison.Ordinal);

    private bool IsPlain => _secret is not null && !IsMd5Hash && !IsScramSecret;

    private bool HasKeys => _passThrough is { ClientKey: not null, ServerKey: not null };

    /// <summary>Write the answer to <paramref name="request"/>; a non-null result means the login cannot go on.</summary>
    public PoolError? Respond(AuthenticationMessage request, IBufferWriter<byte> output)
    {
        switch (request.Type)
        {
            case AuthenticationRequestType.AuthenticationCleartextPassword:
                if (!IsPlain)
                    return NoPassword("cleartext");
                FrontendMessages.WritePasswordMessage(output, _secret!);
                return null;
            case AuthenticationRequestType.AuthenticationMD5Password:
                if (!IsPlain && !IsMd5Hash)
                    return NoPassword("md5");
                FrontendMessages.WritePasswordMessage(output, Md5Password.ClientResponse(_user, _secret!, request.GetMd5Salt()));
                return null;
            case AuthenticationRequestType.AuthenticationSASL:
                if (!IsPlain && !HasKeys)
                    return NoPassword("SCRAM-SHA-256");
                // Over TLS the server's certificate hash lets SCRAM-SHA-256-PLUS bind the login to this channel.
                _scram = IsPlain ? new ScramClient(_secret!, ChannelBindingHash)
                    : ScramClient.FromKeys(_passThrough!.ClientKey!, _passThrough.ServerKey!, ChannelBindingHash);
                if (_scram.SelectMechanism(request.GetSaslMechanisms()) is not { } mechanism)
                    return new PoolError(SqlState.InvalidAuthorizationSpecification, "server offers no supported SASL mechanism");
                Mechanism = mechanism;
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
        $"no usable password for user \"{_user}\" to answer the server's {method} request (set password in [databases] or a plain-text auth_file entry, or let a client of this user log in with SCRAM first)");
}
