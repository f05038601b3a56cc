// The first packets of a client: SSLRequest / direct TLS, GSSENC refusal, CancelRequest, StartupMessage checks and the login reply.
using Pooler.Pools;
using Pooler.Protocol;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    // Parameters that every client may send and that need no tracking.
    private static readonly HashSet<string> s_plainStartupParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "user", "database", "fallback_application_name",
    };

    // Startup parameters with this prefix are protocol options, answered by NegotiateProtocolVersion, not refused.
    private const string ProtocolOptionPrefix = "_pq_.";

    /// <summary>Null when the client is logged in and may send queries; else why the session ends.</summary>
    private async ValueTask<SessionEnd?> StartupAsync()
    {
        var timeout = _rt.Options.ClientLoginTimeout;
        using var timer = _rt.Engine.TimeProvider.CreateTimer(static s => ((ClientSession)s!).RequestEnd(SessionEnd.LoginTimeout,
                new PoolError(SqlState.ProtocolViolation, "client_login_timeout")), this,
            timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        while (true)
        {
            var read = await Input.ReadAsync();
            if (_requestedEnd is { } requested)
                return requested;
            var buffer = read.Buffer;
            var status = StartupFrameReader.TryRead(ref buffer, out var frame, out var error, _rt.Options.MaxStartupPacketSize);
            if (status == FrameReadStatus.NeedMoreData)
            {
                Input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                    return SessionEnd.ClientClosed;
                continue;
            }
            if (status == FrameReadStatus.Error)
            {
                Input.AdvanceTo(buffer.Start, buffer.End);
                return Fail(SessionEnd.ProtocolViolation, error.SqlState, error.Message);
            }

            switch (frame.Kind)
            {
                case StartupFrameKind.SslRequest when !IsTls && ClientTls is { } tls:
                    Input.AdvanceTo(buffer.Start);
                    // Bytes behind an SSLRequest were sent before encryption and may be injected (CVE-2021-23214).
                    if (!buffer.IsEmpty)
                        return Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "received unencrypted data after SSL request");
                    if (!await Output.SendAsync(0, static (w, _) => BackendMessages.WriteEncryptionResponse(w, accept: true)))
                        return SessionEnd.ClientClosed;
                    if (await StartTlsAsync(tls, direct: false) is { } tlsEnd)
                        return tlsEnd;
                    continue;
                case StartupFrameKind.SslRequest:
                case StartupFrameKind.GssEncRequest:
                    Input.AdvanceTo(buffer.Start);
                    // 'N': no TLS here (client TLS off, a Unix socket, or already TLS) and never GSS encryption.
                    if (!await Output.SendAsync(0, static (w, _) => BackendMessages.WriteEncryptionResponse(w, accept: false)))
                        return SessionEnd.ClientClosed;
                    continue;
                case StartupFrameKind.DirectTls when !IsTls && ClientTls is { } direct:
                    // Nothing consumed: the ClientHello is still in the pipe for the handshake to read.
                    Input.AdvanceTo(buffer.Start);
                    if (await StartTlsAsync(direct, direct: true) is { } directEnd)
                        return directEnd;
                    continue;
                case StartupFrameKind.CancelRequest:
                    CancelRequestMessage.TryParse(frame, out var cancel);
                    Input.AdvanceTo(buffer.Start);
                    await HandleCancelRequestAsync(cancel);
                    return SessionEnd.CancelRequest;
                case StartupFrameKind.StartupMessage when !IsTls && ClientTls is { RequiresTls: true }:
                    Input.AdvanceTo(buffer.Start);
                    return Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "SSL required");
                case StartupFrameKind.StartupMessage:
                    var parsed = StartupMessage.TryParse(frame, out var startup, out error);
                    Input.AdvanceTo(buffer.Start);
                    if (!parsed)
                        return Fail(SessionEnd.ProtocolViolation, error.SqlState, error.Message);
                    return await LoginAsync(startup);
                default:
                    Input.AdvanceTo(buffer.Start);
                    return Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, "direct TLS connections are not supported");
            }
        }
    }

    private SessionEnd Fail(SessionEnd end, string sqlState, string message)
    {
        _endError ??= new PoolError(sqlState, message);
        return end;
    }

    private async ValueTask<SessionEnd?> LoginAsync(StartupMessage startup)
    {
        if (!await NegotiateProtocolAsync(startup))
            return SessionEnd.ClientClosed;
        if (string.IsNullOrEmpty(startup.User))
            return Fail(SessionEnd.AuthFailed, SqlState.InvalidAuthorizationSpecification, "no PostgreSQL user name specified in startup packet");
        User = startup.User;
        Database = startup.EffectiveDatabase ?? User;
        if (CheckStartupParameters(startup) is { } unsupported)
            return unsupported;

        if (!_rt.Manager.TryAdmitClient())
            return Fail(SessionEnd.TooManyClients, SqlState.TooManyConnections, "no more connections allowed (max_client_conn)");
        _admitted = true;

        if (!Admin.AdminConsole.IsConsoleDatabase(Database) && _rt.Config.FindDatabase(Database) is null)
            return Fail(SessionEnd.UnknownDatabase, SqlState.InvalidCatalogName, $"no such database: {Database}");
        // Authenticate before the pool exists, so that guessed user names do not create pools.
        if (await AuthenticateAsync() is { } authEnd)
            return authEnd;
        if (Admin.AdminConsole.IsConsoleDatabase(Database))
        {
            // The virtual admin database never reaches a pool, not even through a "*" entry.
            if (!_rt.Auth.IsAdmin(User) && !_rt.Auth.IsStatsUser(User))
            {
                Log.Warning("admin console refused for {User} from {Address}: not in admin_users or stats_users", User, AddressText);
                return Fail(SessionEnd.AuthFailed, SqlState.InvalidAuthorizationSpecification, "not allowed");
            }
            _isAdminConsole = _loggedIn = true;
            return await new Admin.AdminConsole(_rt, Input, Output, User, $"{User}@{AddressText}", Log).RunAsync();
        }
        if (_rt.Manager.IsDisabled(Database))
            return Fail(SessionEnd.UnknownDatabase, SqlState.CannotConnectNow, $"database \"{Database}\" is disabled");
        _route = _rt.Directory.Resolve(Database, User);
        if (_route is null)
            return Fail(SessionEnd.UnknownDatabase, SqlState.InvalidCatalogName, $"no such database: {Database}");
        // The pool's copies of the same names, so that thousands of idle clients do not each keep their own.
        Database = _route.Pool.Key.Database;
        if (_route.Pool.Key.User == User)
            User = _route.Pool.Key.User;
        ApplyLearnedCredential();

        // The first client of a pool waits for a server login, so that it sees real ParameterStatus values.
        var pool = _route.Pool;
        if (pool.ServerParameters is null)
        {
            // Only its ParameterStatus set is needed now; parameters are synced when the first query comes.
            if (await LinkServerAsync(syncParameters: false) is { } noServer)
                return noServer;
            // Session mode keeps it (the client would take it right back); the others return it at once.
            if (Mode != Config.PoolMode.Session)
                await ReleaseServerAsync();
        }
        Parameters.SetDefaults(pool.ServerParameters!);

        CancelKey = _rt.Cancels.Register(this);
        _keyRegistered = true;
        await Output.WaitReadyAsync();
        var w = Output.Writer;
        BackendMessages.WriteAuthenticationOk(w);
        foreach (var (name, value) in pool.ServerParameters!)
            BackendMessages.WriteParameterStatus(w, name, Parameters.Get(name) ?? value);
        BackendMessages.WriteBackendKeyData(w, CancelKey.ProcessId, CancelKey.Secret);
        BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        if (!await Output.FlushAsync())
            return SessionEnd.ClientClosed;
        _loggedIn = true;
        _rt.Collector.OnConnectionEvent();
        if (_rt.Options.LogConnections)
            Log.Information("login: {User}@{Database} from {Remote} ({Mode} mode)", User, Database, _conn.RemoteEndPoint, Mode);
        return null;
    }

    /// <summary>
    /// As PostgreSQL does: a client asking for a newer 3.x minor version or sending <c>_pq_.</c> protocol options gets
    /// NegotiateProtocolVersion (newest version we speak, 3.0, and every such option as unrecognised, since we know
    /// none) before anything else, and the session goes on in 3.0. The Int32 is the full version number 3.0, as the
    /// server sends it; libpq 18 reads a bare 0 as a downgrade below 3.0 and gives up. False when the client is gone.
    /// </summary>
    private async ValueTask<bool> NegotiateProtocolAsync(StartupMessage startup)
    {
        List<string>? options = null;
        foreach (var (name, _) in startup.Parameters)
        {
            if (name.StartsWith(ProtocolOptionPrefix, StringComparison.Ordinal))
                (options ??= []).Add(name);
        }
        if (ProtocolVersions.Minor(startup.ProtocolVersion) == 0 && options is null)
            return true;
        Log.Debug("client asked for protocol {Major}.{Minor} with {Options} protocol options: answering 3.0",
            ProtocolVersions.Major(startup.ProtocolVersion), ProtocolVersions.Minor(startup.ProtocolVersion), options?.Count ?? 0);
        return await Output.SendAsync(options, static (w, o) =>
            BackendMessages.WriteNegotiateProtocolVersion(w, ProtocolVersions.V3_0, o is null ? [] : o.ToArray()));
    }

    /// <summary>
    /// Tracked parameters become the client's own values; anything else not in ignore_startup_parameters is refused
    /// as PgBouncer does, because a shared server could not honour it for this client alone.
    /// </summary>
    private SessionEnd? CheckStartupParameters(StartupMessage startup)
    {
        string? fallbackName = null;
        foreach (var (name, value) in startup.Parameters)
        {
            if (name.StartsWith(ProtocolOptionPrefix, StringComparison.Ordinal))
                continue;
            if (s_plainStartupParameters.Contains(name))
            {
                if (string.Equals(name, "fallback_application_name", StringComparison.OrdinalIgnoreCase))
                    fallbackName = value;
                continue;
            }
            if (Parameters.IsTracked(name))
            {
                Parameters.Set(name, value);
                continue;
            }
            if (string.Equals(name, "options", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(value))
                continue;
            if (_rt.Options.IgnoreStartupParameters.Contains(name, StringComparer.OrdinalIgnoreCase))
                continue;
            return Fail(SessionEnd.UnsupportedParameter, SqlState.ProtocolViolation, $"unsupported startup parameter: {name}");
        }
        if (fallbackName is not null && Parameters.Get("application_name") is null)
            Parameters.Set("application_name", fallbackName);
        return null;
    }
}
