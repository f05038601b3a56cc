// SCRAM-SHA-256(-PLUS) server side: verifies a client against a stored secret or a plain password, as PostgreSQL does.
using System.Security.Cryptography;
using System.Text;

namespace Pooler.Protocol.Auth;

/// <summary>
/// One SCRAM exchange with a client. Feed the SASLInitialResponse to <see cref="HandleClientFirst"/> (answer with
/// AuthenticationSASLContinue) and the SASLResponse to <see cref="HandleClientFinal"/> (answer with
/// AuthenticationSASLFinal + AuthenticationOk on success). A bad client message is a <see cref="AuthStatus.Failed"/>
/// value, never an exception. After success <see cref="ClientKey"/> (ClientProof XOR ClientSignature) and
/// <see cref="ServerKey"/> let the pooler log in to the server as this user without the password.
/// </summary>
public sealed class ScramServer
{
    public const string Mechanism = "SCRAM-SHA-256";
    public const string MechanismPlus = "SCRAM-SHA-256-PLUS";
    public const string ChannelBindingType = "tls-server-end-point";

    private static readonly byte[] MockKey = RandomNumberGenerator.GetBytes(32);

    private readonly ScramSecret _secret;
    private readonly bool _doomed;
    private readonly byte[]? _channelBindingHash;
    private int _step;
    private string _gs2Header = "";
    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private bool _plus;

    /// <param name="secret">The user's stored secret.</param>
    /// <param name="channelBindingHash">tls-server-end-point hash of the pooler's certificate when the client came over TLS, else null.</param>
    public ScramServer(ScramSecret secret, byte[]? channelBindingHash = null) : this(secret, false, channelBindingHash) { }

    private ScramServer(ScramSecret secret, bool doomed, byte[]? channelBindingHash)
    {
        _secret = secret;
        _doomed = doomed;
        _channelBindingHash = channelBindingHash;
    }

    /// <summary>Verifies against a plain password: a secret with a random salt is derived, as PostgreSQL does.</summary>
    public static ScramServer ForPassword(string password, byte[]? channelBindingHash = null) =>
        new(ScramSecret.FromPassword(password), false, channelBindingHash);

    /// <summary>
    /// A mock exchange for a user that does not exist: it runs to the end and fails with InvalidProof, with a salt that
    /// is stable per user name, so a client cannot tell unknown users from wrong passwords.
    /// </summary>
    public static ScramServer ForUnknownUser(string user, byte[]? channelBindingHash = null)
    {
        var salt = HMACSHA256.HashData(MockKey, Encoding.UTF8.GetBytes(user)).AsSpan(0, 16).ToArray();
        var secret = new ScramSecret(ScramSecret.DefaultIterations, salt, new byte[32], new byte[32]);
        return new ScramServer(secret, true, channelBindingHash);
    }

    /// <summary>Server part of the nonce; random unless fixed by a test reproducing a published exchange.</summary>
    internal string? FixedServerNonce { get; init; }

    /// <summary>Mechanisms to list in AuthenticationSASL: PLUS first when a certificate hash is known.</summary>
    public string[] Mechanisms => _channelBindingHash is null ? [Mechanism] : [MechanismPlus, Mechanism];

    public AuthFailure Failure { get; private set; }

    /// <summary>True when the client used SCRAM-SHA-256-PLUS and its binding data matched.</summary>
    public bool UsedChannelBinding => _plus && _step == 3;

    /// <summary>After success: the client's ClientKey, recovered from its proof.</summary>
    public byte[]? ClientKey { get; private set; }

    /// <summary>After success: the ServerKey from the secret (needed to check the real server's signature).</summary>
    public byte[]? ServerKey => ClientKey is null ? null : _secret.ServerKey;

    /// <summary>Handles SASLInitialResponse: the mechanism the client chose and its client-first-message.</summary>
    public AuthStatus HandleClientFirst(string mechanism, ReadOnlySpan<byte> message, out byte[] serverFirst)
    {
        serverFirst = [];
        if (_step != 0)
            return Fail(AuthFailure.UnexpectedMessage);
        _step = 1;
        _plus = mechanism == MechanismPlus;
        if (mechanism != Mechanism && !(_plus && _channelBindingHash is not null))
            return Fail(AuthFailure.UnsupportedMechanism);

        var text = Encoding.UTF8.GetString(message);
        var status = ParseGs2Header(text, out int bareStart);
        if (status != AuthFailure.None)
            return Fail(status);
        _gs2Header = text.Substring(0, bareStart);
        _clientFirstBare = text.Substring(bareStart);

        // client-first-bare: [m=...,] n=user,r=nonce[,ext...]; the user name is ignored (the startup packet's counts).
        var attrs = _clientFirstBare.Split(',');
        if (attrs[0].StartsWith("m=", StringComparison.Ordinal))
            return Fail(AuthFailure.UnsupportedFeature);
        if (attrs.Length < 2 || !attrs[0].StartsWith("n=", StringComparison.Ordinal) || !attrs[1].StartsWith("r=", StringComparison.Ordinal))
            return Fail(AuthFailure.MalformedMessage);
        var clientNonce = attrs[1].AsSpan(2);
        if (clientNonce.IsEmpty || !ScramPrimitives.IsPrintable(clientNonce))
            return Fail(AuthFailure.MalformedMessage);

        _nonce = string.Concat(clientNonce, FixedServerNonce ?? ScramPrimitives.NewNonce());
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_secret.Salt)},i={_secret.Iterations}";
        serverFirst = Encoding.UTF8.GetBytes(_serverFirst);
        return AuthStatus.Continue;
    }

    /// <summary>Handles SASLResponse: the client-final-message. On success <paramref name="serverFinal"/> is "v=…".</summary>
    public AuthStatus HandleClientFinal(ReadOnlySpan<byte> message, out byte[] serverFinal)
    {
        serverFinal = [];
        if (_step != 1 || Failure != AuthFailure.None)
            return Fail(AuthFailure.UnexpectedMessage);
        _step = 2;
        var text = Encoding.UTF8.GetString(message);
        int proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
            return Fail(AuthFailure.MalformedMessage);
        var withoutProof = text.Substring(0, proofAt);
        var attrs = withoutProof.Split(',');
        if (attrs.Length < 2 || !attrs[0].StartsWith("c=", StringComparison.Ordinal) || !attrs[1].StartsWith("r=", StringComparison.Ordinal))
            return Fail(AuthFailure.MalformedMessage);

        if (!TryBase64(attrs[0].AsSpan(2), out var binding))
            return Fail(AuthFailure.MalformedMessage);
        var expected = Encoding.UTF8.GetBytes(_gs2Header);
        if (_plus)
            expected = [.. expected, .. _channelBindingHash!];
        if (!CryptographicOperations.FixedTimeEquals(binding, expected))
            return Fail(AuthFailure.ChannelBindingMismatch);

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(attrs[1].Substring(2)), Encoding.UTF8.GetBytes(_nonce)))
            return Fail(AuthFailure.NonceMismatch);

        if (!TryBase64(text.AsSpan(proofAt + 3), out var proof) || proof.Length != ScramPrimitives.KeyLength)
            return Fail(AuthFailure.MalformedMessage);

        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = ScramPrimitives.Hmac(_secret.StoredKey, authMessage);
        var clientKey = ScramPrimitives.Xor(proof, clientSignature);
        bool valid = CryptographicOperations.FixedTimeEquals(ScramPrimitives.StoredKey(clientKey), _secret.StoredKey);
        if (!valid || _doomed)
            return Fail(AuthFailure.InvalidProof);

        _step = 3;
        ClientKey = clientKey;
        serverFinal = Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(ScramPrimitives.Hmac(_secret.ServerKey, authMessage)));
        return AuthStatus.Success;
    }

    /// <summary>gs2-header = cbind-flag "," [authzid] ","; checks the flag against the chosen mechanism.</summary>
    private AuthFailure ParseGs2Header(string text, out int bareStart)
    {
        bareStart = 0;
        int first = text.IndexOf(',');
        if (first < 0)
            return AuthFailure.MalformedMessage;
        int second = text.IndexOf(',', first + 1);
        if (second < 0)
            return AuthFailure.MalformedMessage;
        var flag = text.AsSpan(0, first);
        var authzid = text.AsSpan(first + 1, second - first - 1);
        bareStart = second + 1;

        if (flag.SequenceEqual("n"))
        {
            if (_plus) return AuthFailure.ChannelBindingMismatch;            // chose PLUS but sent no binding
        }
        else if (flag.SequenceEqual("y"))
        {
            // The client can bind but believes we cannot: since we offered PLUS, someone removed it on the way.
            if (_plus || _channelBindingHash is not null) return AuthFailure.ChannelBindingMismatch;
        }
        else if (flag.StartsWith("p="))
        {
            if (!_plus) return AuthFailure.ChannelBindingMismatch;
            if (!flag.Slice(2).SequenceEqual(ChannelBindingType)) return AuthFailure.UnsupportedMechanism;
        }
        else
            return AuthFailure.MalformedMessage;

        if (!authzid.IsEmpty)
            return authzid.StartsWith("a=") ? AuthFailure.UnsupportedFeature : AuthFailure.MalformedMessage;
        return AuthFailure.None;
    }

    private AuthStatus Fail(AuthFailure failure)
    {
        if (Failure == AuthFailure.None)
            Failure = failure;
        _step = 4;
        return AuthStatus.Failed;
    }

    internal static bool TryBase64(ReadOnlySpan<char> s, out byte[] bytes)
    {
        var buffer = new byte[(s.Length * 3 + 3) / 4];
        if (Convert.TryFromBase64Chars(s, buffer, out int n))
        {
            bytes = buffer.AsSpan(0, n).ToArray();
            return true;
        }
        bytes = [];
        return false;
    }
}
