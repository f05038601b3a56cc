// SCRAM-SHA-256(-PLUS) client side: logs the pooler in to PostgreSQL with a password or with keys recovered from a client.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pooler.Protocol.Auth;

/// <summary>
/// One SCRAM exchange with a server. <see cref="CreateClientFirst"/> gives the SASLInitialResponse data,
/// <see cref="HandleServerFirst"/> turns AuthenticationSASLContinue into the SASLResponse data, and
/// <see cref="HandleServerFinal"/> checks AuthenticationSASLFinal. With <see cref="FromKeys"/> the pooler logs in using
/// the ClientKey/ServerKey a <see cref="ScramServer"/> recovered (pass-through): this works when the pooler's stored
/// secret for the user is the server's own (same salt and iterations).
/// </summary>
public sealed class ScramClient
{
    private readonly string? _password;
    private byte[]? _clientKey;
    private byte[]? _serverKey;
    private readonly byte[]? _channelBindingHash;
    private string _mechanism = "";
    private string _gs2Header = "";
    private string _clientNonce = "";
    private string _clientFirstBare = "";
    private byte[] _authMessage = [];
    private int _step;

    /// <param name="channelBindingHash">tls-server-end-point hash of the server's certificate when connected over TLS.</param>
    public ScramClient(string password, byte[]? channelBindingHash = null)
    {
        _password = password;
        _channelBindingHash = channelBindingHash;
    }

    private ScramClient(byte[] clientKey, byte[] serverKey, byte[]? channelBindingHash)
    {
        _clientKey = clientKey;
        _serverKey = serverKey;
        _channelBindingHash = channelBindingHash;
    }

    /// <summary>A client that proves knowledge of ClientKey without the password (salt and iterations must match).</summary>
    public static ScramClient FromKeys(byte[] clientKey, byte[] serverKey, byte[]? channelBindingHash = null) =>
        new(clientKey, serverKey, channelBindingHash);

    public AuthFailure Failure { get; private set; }

    /// <summary>Nonce used in client-first (random unless set beforehand, which tests do for RFC vectors).</summary>
    public string ClientNonce { get => _clientNonce; init => _clientNonce = value; }

    /// <summary>User name for n= (empty by default, as libpq sends it: PostgreSQL uses the startup packet's).</summary>
    public string UserName { get; init; } = "";

    /// <summary>The mechanism to pick from AuthenticationSASL's list, or null when none is usable.</summary>
    public string? SelectMechanism(IEnumerable<string> offered)
    {
        var list = offered.ToList();
        if (_channelBindingHash is not null && list.Contains(ScramServer.MechanismPlus))
            return ScramServer.MechanismPlus;
        return list.Contains(ScramServer.Mechanism) ? ScramServer.Mechanism : null;
    }

    /// <summary>The client-first-message for the chosen mechanism.</summary>
    public byte[] CreateClientFirst(string mechanism)
    {
        _mechanism = mechanism;
        _gs2Header = mechanism == ScramServer.MechanismPlus
            ? $"p={ScramServer.ChannelBindingType},,"
            : _channelBindingHash is null ? "n,," : "y,,";
        if (_clientNonce.Length == 0)
            _clientNonce = ScramPrimitives.NewNonce();
        _clientFirstBare = $"n={UserName.Replace("=", "=3D").Replace(",", "=2C")},r={_clientNonce}";
        _step = 1;
        return Encoding.UTF8.GetBytes(_gs2Header + _clientFirstBare);
    }

    /// <summary>Handles server-first-message; produces the client-final-message.</summary>
    public AuthStatus HandleServerFirst(ReadOnlySpan<byte> message, out byte[] clientFinal)
    {
        clientFinal = [];
        if (_step != 1)
            return Fail(AuthFailure.UnexpectedMessage);
        _step = 2;
        var serverFirst = Encoding.UTF8.GetString(message);
        var attrs = serverFirst.Split(',');
        if (attrs.Length < 3 || !attrs[0].StartsWith("r=", StringComparison.Ordinal) || !attrs[1].StartsWith("s=", StringComparison.Ordinal)
            || !attrs[2].StartsWith("i=", StringComparison.Ordinal))
            return Fail(AuthFailure.MalformedMessage);
        var nonce = attrs[0].Substring(2);
        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length || !ScramPrimitives.IsPrintable(nonce))
            return Fail(AuthFailure.NonceMismatch);
        if (!ScramServer.TryBase64(attrs[1].AsSpan(2), out var salt) || salt.Length == 0
            || !int.TryParse(attrs[2].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < 1)
            return Fail(AuthFailure.InvalidServerParameters);

        if (_password is not null)
        {
            var salted = ScramPrimitives.SaltedPassword(_password, salt, iterations);
            _clientKey = ScramPrimitives.ClientKey(salted);
            _serverKey = ScramPrimitives.ServerKey(salted);
        }

        byte[] binding = Encoding.UTF8.GetBytes(_gs2Header);
        if (_mechanism == ScramServer.MechanismPlus)
            binding = [.. binding, .. _channelBindingHash!];
        var withoutProof = $"c={Convert.ToBase64String(binding)},r={nonce}";
        _authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");
        var clientSignature = ScramPrimitives.Hmac(ScramPrimitives.StoredKey(_clientKey!), _authMessage);
        var proof = ScramPrimitives.Xor(_clientKey, clientSignature);
        clientFinal = Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
        return AuthStatus.Continue;
    }

    /// <summary>Handles server-final-message: Success only when the server's signature proves it knows the secret.</summary>
    public AuthStatus HandleServerFinal(ReadOnlySpan<byte> message)
    {
        if (_step != 2)
            return Fail(AuthFailure.UnexpectedMessage);
        _step = 3;
        var text = Encoding.UTF8.GetString(message);
        if (text.StartsWith("e=", StringComparison.Ordinal))
            return Fail(AuthFailure.ServerNotAuthenticated);
        if (!text.StartsWith("v=", StringComparison.Ordinal))
            return Fail(AuthFailure.MalformedMessage);
        int end = text.IndexOf(',');
        if (!ScramServer.TryBase64(text.AsSpan(2, (end < 0 ? text.Length : end) - 2), out var signature))
            return Fail(AuthFailure.MalformedMessage);
        var expected = ScramPrimitives.Hmac(_serverKey!, _authMessage);
        return CryptographicOperations.FixedTimeEquals(signature, expected) ? AuthStatus.Success : Fail(AuthFailure.ServerNotAuthenticated);
    }

    private AuthStatus Fail(AuthFailure failure)
    {
        if (Failure == AuthFailure.None)
            Failure = failure;
        _step = 4;
        return AuthStatus.Failed;
    }
}
