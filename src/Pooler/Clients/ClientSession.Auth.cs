// Client authentication: picks the method (auth_type or the hba line), runs the exchange, applies the back-off.
using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Pooler.Auth;
using Pooler.Config;
using Pooler.Protocol;
using Pooler.Protocol.Auth;
using ProtocolScramSecret = Pooler.Protocol.Auth.ScramSecret;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    /// <summary>Largest password / SASL message accepted, as PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH.</summary>
    private const int MaxAuthMessage = 65535;

    // TLS and auth facts, made on first use (Security): a plain trust login holds none.
    private ClientSecurity? _security;

    private ClientSecurity Security => _security ??= new ClientSecurity();

    /// <summary>True once the client connection runs over TLS; the TLS code sets it after the handshake. hostssl
    /// lines match only such connections, hostnossl lines only the others.</summary>
    public bool IsTls => _security?.IsTls ?? false;

    /// <summary>The user name a verified TLS client certificate proves (its CN), set by the TLS code; null without one.</summary>
    public string? CertificateUser => _security?.CertificateUser;

    /// <summary>tls-server-end-point hash of the pooler's certificate on a TLS connection, set by the TLS code: SCRAM
    /// then offers SCRAM-SHA-256-PLUS (channel binding). Null on plain connections.</summary>
    public byte[]? ChannelBindingHash => _security?.ChannelBindingHash;

    /// <summary>The client's IP address; null for a Unix-socket client.</summary>
    private IPAddress? ClientAddress => (_conn.RemoteEndPoint as IPEndPoint)?.Address is { } a
        ? a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a
        : null;

    /// <summary>The key of the failed-login back-off and the address in log lines.</summary>
    private string AddressText => ClientAddress?.ToString() ?? "[local]";

    /// <summary>
    /// Null when the client is authenticated (AuthenticationOk itself goes out with the login reply); else why the
    /// session ends. Called once User and Database are known and before the pool is resolved (then call
    /// <see cref="ApplyLearnedCredential"/>); the admin console authenticates its users the same way.
    /// </summary>
    private async ValueTask<SessionEnd?> AuthenticateAsync()
    {
        var auth = _rt.Auth;
        ClientAuthMethod method;
        if (auth.AuthType == AuthType.Hba)
        {
            var request = new HbaRequest(ClientAddress, IsTls, Database, User);
            var rule = auth.Hba?.Match(request);
            var encryption = IsTls ? "SSL encryption" : "no encryption";
            if (rule is null)
            {
                return AuthRefused(SqlState.InvalidAuthorizationSpecification,
                    $"no pg_hba.conf entry for host \"{request.HostText}\", user \"{User}\", database \"{Database}\", {encryption}", "no hba line matches");
            }
            if (rule.Method == ClientAuthMethod.Reject)
            {
                return AuthRefused(SqlState.InvalidAuthorizationSpecification,
                    $"pg_hba.conf rejects connection for host \"{request.HostText}\", user \"{User}\", database \"{Database}\", {encryption}",
                    $"hba line {rule.Line} rejects");
            }
            method = rule.Method;
        }
        else
        {
            method = auth.AuthType switch
            {
                AuthType.Trust => ClientAuthMethod.Trust,
                AuthType.Plain => ClientAuthMethod.Password,
                AuthType.Md5 => ClientAuthMethod.Md5,
                AuthType.ScramSha256 => ClientAuthMethod.ScramSha256,
                _ => ClientAuthMethod.Cert,
            };
            // PgBouncer's trust still wants the user listed when there is an auth_file.
            if (method == ClientAuthMethod.Trust && auth.HasAuthFile && auth.FileSecret(User) is null)
                return await WrongPasswordAsync("user not in auth_file");
        }

        switch (method)
        {
            case ClientAuthMethod.Trust:
                return null;
            case ClientAuthMethod.Cert:
                if (CertificateUser is null)
                    return AuthRefused(SqlState.InvalidAuthorizationSpecification, "connection requires a valid client certificate",
                        "cert method without a TLS client certificate");
                return CertificateUser == User ? null
                    : AuthRefused(SqlState.InvalidAuthorizationSpecification, $"certificate authentication failed for user \"{User}\"",
                        $"certificate is for \"{CertificateUser}\"");
        }

        // The admin console's virtual database has no server to run auth_query on, not even through a "*" entry.
        var lookup = await auth.LookupAsync(Database, User, authUser =>
            Admin.AdminConsole.IsConsoleDatabase(Database) ? null : _rt.Directory.Resolve(Database, authUser)?.Pool);
        if (_requestedEnd is { } ended)
            return ended;
        if (lookup.Status == SecretLookupStatus.Failed)
        {
            Log.Warning("login of {User} to {Database} from {Address}: secret lookup failed: {Error}", User, Database, AddressText, lookup.Error);
            return Fail(SessionEnd.AuthFailed, lookup.Error!.SqlState, lookup.Error.Message);
        }
        var secret = lookup.Secret;
        return method switch
        {
            ClientAuthMethod.Password => await CleartextExchangeAsync(secret),
            // As PostgreSQL: md5 with a SCRAM verifier runs SCRAM, the only exchange that verifier can check.
            ClientAuthMethod.Md5 when secret?.Kind == SecretKind.ScramSha256 => await ScramExchangeAsync(secret),
            ClientAuthMethod.Md5 => await Md5ExchangeAsync(secret),
            _ => await ScramExchangeAsync(secret),
        };
    }

    private async ValueTask<SessionEnd?> CleartextExchangeAsync(StoredSecret? secret)
    {
        if (!await Output.SendAsync(0, static (w, _) => BackendMessages.WriteAuthenticationCleartextPassword(w)))
            return SessionEnd.ClientClosed;
        var (end, body) = await ReadAuthMessageAsync();
        if (end is not null)
            return end;
        if (!PasswordMessage.TryParse(new ReadOnlySequence<byte>(body), out var password))
            return Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "invalid password packet");
        if (await WaitTurnAsync() is { } waitEnd)
            return waitEnd;
        if (secret is null)
            return await WrongPasswordAsync("unknown user");
        var ok = secret.Kind switch
        {
            SecretKind.Plain => FixedEquals(secret.Value, password),
            SecretKind.Md5 => FixedEquals(secret.Value, Md5Password.Hash(User, password)),
            _ => CryptographicOperations.FixedTimeEquals(
                ProtocolScramSecret.FromPassword(password, secret.Scram!.Iterations, secret.Scram.Salt).StoredKey, secret.Scram.StoredKey),
        };
        if (!ok)
            return await WrongPasswordAsync("wrong password (cleartext)");
        if (secret.Kind != SecretKind.Plain)
            RememberForServer(PassThroughCredential.FromPassword(password));
        return Succeeded();
    }

    private async ValueTask<SessionEnd?> Md5ExchangeAsync(StoredSecret? secret)
    {
        var salt = Md5Password.NewSalt();
        if (!await Output.SendAsync(salt, static (w, s) => BackendMessages.WriteAuthenticationMD5Password(w, s)))
            return SessionEnd.ClientClosed;
        var (end, body) = await ReadAuthMessageAsync();
        if (end is not null)
            return end;
        if (!PasswordMessage.TryParse(new ReadOnlySequence<byte>(body), out var response))
            return Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "invalid password packet");
        if (await WaitTurnAsync() is { } waitEnd)
            return waitEnd;
        // An unknown user gets the same challenge and the same answer as a wrong password.
        if (secret is null)
            return await WrongPasswordAsync("unknown user");
        if (!Md5Password.Verify(User, secret.Value, salt, response))
            return await WrongPasswordAsync("wrong password (md5)");
        // The stored hash is what an MD5 challenge from the server needs, so auth_query users log in without a password.
        if (secret.Kind == SecretKind.Md5)
            RememberForServer(PassThroughCredential.FromPassword(secret.Value));
        return Succeeded();
    }

    private async ValueTask<SessionEnd?> ScramExchangeAsync(StoredSecret? secret)
    {
        string? doomedBecause = null;
        ScramServer scram;
        if (secret is null)
        {
            scram = ScramServer.ForUnknownUser(User, ChannelBindingHash);
            doomedBecause = "unknown user";
        }
        else if (secret.Kind == SecretKind.Md5)
        {
            // PostgreSQL refuses too: an md5 hash cannot check a SCRAM proof. The exchange still runs to its end.
            scram = ScramServer.ForUnknownUser(User, ChannelBindingHash);
            doomedBecause = $"User \"{User}\" does not have a valid SCRAM secret";
        }
        else
        {
            scram = secret.Kind == SecretKind.ScramSha256
                ? new ScramServer(secret.Scram!, ChannelBindingHash)
                : ScramServer.ForPassword(secret.Value, ChannelBindingHash);
        }

        if (!await Output.SendAsync(scram.Mechanisms, static (w, m) => BackendMessages.WriteAuthenticationSASL(w, m)))
            return SessionEnd.ClientClosed;
        var (end, body) = await ReadAuthMessageAsync();
        if (end is not null)
            return end;
        if (!SaslInitialResponseMessage.TryParse(new ReadOnlySequence<byte>(body), out var initial) || !initial.HasData)
            return Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "malformed SCRAM message");
        if (scram.HandleClientFirst(initial.Mechanism, initial.Data.ToArray(), out var serverFirst) != AuthStatus.Continue)
            return ScramRefused(scram.Failure);
        if (!await Output.SendAsync(serverFirst, static (w, d) => BackendMessages.WriteAuthenticationSASLContinue(w, d)))
            return SessionEnd.ClientClosed;
        (end, body) = await ReadAuthMessageAsync();
        if (end is not null)
            return end;
        if (await WaitTurnAsync() is { } waitEnd)
            return waitEnd;
        if (scram.HandleClientFinal(body, out var serverFinal) != AuthStatus.Success)
        {
            return scram.Failure == AuthFailure.InvalidProof
                ? await WrongPasswordAsync(doomedBecause ?? "wrong password (SCRAM)")
                : ScramRefused(scram.Failure);
        }
        if (!await Output.SendAsync(serverFinal, static (w, d) => BackendMessages.WriteAuthenticationSASLFinal(w, d)))
            return SessionEnd.ClientClosed;
        Security.SaslMechanism = scram.UsedChannelBinding ? ScramServer.MechanismPlus : ScramServer.Mechanism;
        // The keys log in to the server only when our verifier is the server's own (same salt and iterations).
        if (secret!.Kind == SecretKind.ScramSha256)
            RememberForServer(PassThroughCredential.FromKeys(scram.ClientKey!, scram.ServerKey!));
        return Succeeded();
    }

    private SessionEnd ScramRefused(AuthFailure failure) => failure switch
    {
        AuthFailure.MalformedMessage or AuthFailure.UnexpectedMessage =>
            Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "malformed SCRAM message"),
        AuthFailure.UnsupportedMechanism =>
            Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "client selected an invalid SASL authentication mechanism"),
        AuthFailure.UnsupportedFeature =>
            Fail(SessionEnd.AuthFailed, SqlState.FeatureNotSupported, "client uses authorization identity, but it is not supported"),
        _ => Fail(SessionEnd.AuthFailed, SqlState.InvalidPassword, $"password authentication failed for user \"{User}\""),
    };

    /// <summary>One password-bearing message ('p'): its body, or why the session ends (EOF is a plain close: psql
    /// hangs up to prompt for the password and comes back, which is no failure).</summary>
    private async ValueTask<(SessionEnd? End, byte[] Body)> ReadAuthMessageAsync()
    {
        while (true)
        {
            var read = await Input.ReadAsync();
            if (_requestedEnd is { } requested)
                return (requested, []);
            var buffer = read.Buffer;
            var status = FrameReader.TryRead(ref buffer, MaxAuthMessage, out var frame, out var error);
            if (status == FrameReadStatus.Frame)
            {
                var code = frame.Code;
                var body = frame.Body.ToArray();
                Input.AdvanceTo(buffer.Start);
                if (code != (byte)FrontendMessageCode.PasswordMessage)
                {
                    return (Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation,
                        $"expected password response, got message type {code}"), []);
                }
                return (null, body);
            }
            if (status == FrameReadStatus.Error)
            {
                Input.AdvanceTo(read.Buffer.Start);
                return (Fail(SessionEnd.ProtocolViolation, error.SqlState, error.Message), []);
            }
            Input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
                return (SessionEnd.ClientClosed, []);
        }
    }

    /// <summary>Wait (a timer, not a blocked thread) for this address's turn after earlier failures.</summary>
    private async ValueTask<SessionEnd?> WaitTurnAsync()
    {
        var delay = _rt.Auth.Backoff.ReserveTurn(AddressText);
        if (delay <= TimeSpan.Zero)
            return null;
        Log.Debug("login from {Address} waits {Delay} ms after earlier failures", AddressText, (int)delay.TotalMilliseconds);
        await Task.Delay(delay, _rt.Engine.TimeProvider);
        return _requestedEnd;
    }

    private SessionEnd? Succeeded()
    {
        _rt.Auth.Backoff.RecordSuccess(AddressText);
        return null;
    }

    /// <summary>28P01 in PostgreSQL's words, one log line with user, database and address (never the secret).</summary>
    private ValueTask<SessionEnd?> WrongPasswordAsync(string reason)
    {
        _rt.Auth.Backoff.RecordFailure(AddressText);
        Log.Warning("login failed: password authentication failed for user {User}, database {Database}, from {Address} ({Reason:l})",
            User, Database, AddressText, reason);
        return ValueTask.FromResult<SessionEnd?>(Fail(SessionEnd.AuthFailed, SqlState.InvalidPassword,
            $"password authentication failed for user \"{User}\""));
    }

    private SessionEnd AuthRefused(string sqlState, string message, string reason)
    {
        Log.Warning("login refused: user {User}, database {Database}, from {Address}: {Reason:l}", User, Database, AddressText, reason);
        return Fail(SessionEnd.AuthFailed, sqlState, message);
    }

    /// <summary>Keep what this login proved until the pool is known (<see cref="ApplyLearnedCredential"/>).</summary>
    private void RememberForServer(PassThroughCredential credential) => Security.LearnedCredential = credential;

    /// <summary>Once authenticated and routed: let the pool's server logins use what this login proved, when they
    /// log in as this very user (not a [databases] entry's forced user).</summary>
    private void ApplyLearnedCredential()
    {
        if (_security is not { } security)
            return;
        if (security.LearnedCredential is { } credential && _route is { } route && route.Target.User == User)
            PassThroughCredential.Remember(route.Pool, credential);
        security.LearnedCredential = null;
        if (security.IsEmpty)
            _security = null;
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
