// Connecting to PostgreSQL and logging in: StartupMessage, authentication, ParameterStatus, BackendKeyData.
using System.Buffers;
using Pooler.Auth;
using Pooler.Io;
using Pooler.Pools;
using Pooler.Protocol;
using Serilog;

namespace Pooler.Servers;

internal sealed partial class ServerConnection
{
    /// <summary>Largest login-phase message accepted from a server (error texts, SASL data, parameter values).</summary>
    private const int MaxLoginMessage = 1 << 20;

    private IoEngine? _engine;

    /// <summary>
    /// One attempt: open a connection (over TLS when <paramref name="useTls"/>) and log in within
    /// <see cref="ServerTarget.ConnectTimeout"/> (connect and login together). Every expected failure is a value:
    /// unreachable host (host back-off) or login rejected (pool back-off). RefusedByServer: the server answered the
    /// StartupMessage with an ErrorResponse (what makes server_tls_sslmode allow / prefer try the other way).
    /// </summary>
    private static async ValueTask<(ServerConnectResult Result, bool RefusedByServer)> ConnectOnceAsync(IoEngine engine,
        Pool pool, ServerTarget target, ILogger log, CancellationToken ct, Tls.ServerTlsSettings? tls, bool useTls)
    {
        var endPoint = await target.ResolveAsync();
        if (endPoint is null)
            return (Unavailable($"could not resolve host \"{target.Host}\""), false);
        var connect = await engine.ConnectAsync(endPoint, target.ConnectTimeout, ct);
        if (!connect.IsConnected || connect.Connection is null)
            return (Unavailable($"could not connect to server {target.HostKey}: {connect.Status} (errno {connect.Errno})"), false);

        var server = new ServerConnection(connect.Connection, pool, target, endPoint, log) { _engine = engine };
        var deadline = target.ConnectTimeout > TimeSpan.Zero ? target.ConnectTimeout : Timeout.InfiniteTimeSpan;
        using var timer = engine.TimeProvider.CreateTimer(static s => ((IoConnection)s!).Abort(ShutdownKind.Aborted),
            connect.Connection, deadline, Timeout.InfiniteTimeSpan);
        using var cancel = ct.Register(static s => ((IoConnection)s!).Abort(ShutdownKind.Aborted), connect.Connection);
        ServerConnectResult result;
        try
        {
            result = (useTls ? await server.NegotiateTlsAsync(tls) : null) ?? await server.LoginAsync();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException
            or System.Net.Sockets.SocketException)
        {
            result = Unavailable($"server connection lost during login: {ex.Message}");
        }
        if (result.Status != ServerConnectStatus.Connected)
        {
            server.Close("login failed");
            // Refused over the channel this attempt meant to use: prefer that got 'N' already logged in plainly.
            return (result, server._refusedByServer && (server.TlsDescription is not null) == useTls);
        }
        server.State = ServerState.Idle;
        server.Log.Debug("logged in to {Host} as {User}, database {Db}{Tls:l}", target.HostKey, target.User, target.DbName,
            server.TlsDescription is null ? "" : $" over {server.TlsDescription} ({server.SaslMechanism ?? "no SASL"})");
        _ = server.RunReaderAsync();
        return (result, false);
    }

    private static ServerConnectResult Unavailable(string message) =>
        ServerConnectResult.Failed(ServerConnectStatus.HostUnavailable, new PoolError(SqlState.ConnectionFailure, message));

    private async ValueTask<ServerConnectResult> LoginAsync()
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("user", Target.User),
            new("database", Target.DbName),
        };
        FrontendMessages.WriteStartupMessage(Output.Writer, ProtocolVersions.V3_0, parameters);
        if (!await Output.FlushAsync())
            return Unavailable("server closed the connection during login");

        var auth = new ServerLoginAuth(Target.User, Target.Password, PassThroughCredential.For(Pool)) { ChannelBindingHash = _channelBindingHash };
        _loginAuth = auth;
        var input = _conn.Input;
        while (true)
        {
            var read = await input.ReadAsync();
            var buffer = read.Buffer;
            ServerConnectResult? done = null;
            while (done is null)
            {
                var status = FrameReader.TryRead(ref buffer, MaxLoginMessage, out var frame, out var error);
                if (status == FrameReadStatus.NeedMoreData)
                    break;
                if (status == FrameReadStatus.Error)
                {
                    done = Unavailable($"server sent an invalid login message: {error.Message}");
                    break;
                }
                done = await HandleLoginFrameAsync(frame, auth);
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (done is { } result)
                return result;
            if (read.IsCompleted || read.IsCanceled)
                return Unavailable("server closed the connection during login");
        }
    }

    /// <summary>Null to keep reading; a result when the login is over.</summary>
    private async ValueTask<ServerConnectResult?> HandleLoginFrameAsync(Frame frame, ServerLoginAuth auth)
    {
        switch (frame.BackendCode)
        {
            case BackendMessageCode.AuthenticationRequest:
                if (!AuthenticationMessage.TryParse(frame.Body, out var request))
                    return Unavailable("server sent an invalid authentication request");
                if (request.Type == AuthenticationRequestType.AuthenticationOk)
                    return null;
                var step = auth.Respond(request, Output.Writer);
                if (step is not null)
                    return ServerConnectResult.Failed(ServerConnectStatus.LoginRejected, step);
                if (!await Output.FlushAsync())
                    return Unavailable("server closed the connection during authentication");
                return null;
            case BackendMessageCode.ParameterStatus:
                if (ParameterStatusMessage.TryParse(frame.Body, out var p))
                    RecordParameter(p.Name, p.Value);
                return null;
            case BackendMessageCode.BackendKeyData:
                if (BackendKeyDataMessage.TryParse(frame.Body, out var key))
                    BackendKey = key;
                return null;
            case BackendMessageCode.ErrorResponse:
                return LoginError(frame);
            case BackendMessageCode.ReadyForQuery:
                if (ReadyForQueryMessage.TryParse(frame.Body, out var rfq))
                    TransactionStatus = rfq;
                return ServerConnectResult.Connected(this);
            default:
                // NoticeResponse, NegotiateProtocolVersion: nothing to do during login.
                return null;
        }
    }

    /// <summary>
    /// The server refused the login. "Starting up / shutting down / too many connections" are the host's state
    /// (host back-off); anything else (password, unknown database or role) is this pool's login being wrong.
    /// </summary>
    private ServerConnectResult LoginError(Frame frame)
    {
        _refusedByServer = true;
        ErrorFields.TryParse(frame.Body, out var fields);
        var code = fields.SqlState ?? SqlState.ConnectionFailure;
        var error = new PoolError(code, fields.Message ?? "server login failed");
        Log.Warning("server login as {User} to {Db} failed: {Error}", Target.User, Target.DbName, error);
        var hostLevel = code.StartsWith("08", StringComparison.Ordinal) || code.StartsWith("57", StringComparison.Ordinal)
            || code == SqlState.TooManyConnections;
        return ServerConnectResult.Failed(hostLevel ? ServerConnectStatus.HostUnavailable : ServerConnectStatus.LoginRejected, error);
    }
}
