// TLS toward PostgreSQL: allow / prefer retries, SSLRequest before the StartupMessage, the handshake, and the TLS
// state SHOW SERVERS reads.
using Pooler.Auth;
using Pooler.Io;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Protocol.Auth;
using Pooler.Tls;
using Serilog;

namespace Pooler.Servers;

internal sealed partial class ServerConnection
{
    private byte[]? _channelBindingHash;
    private ServerLoginAuth? _loginAuth;

    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384" when this server connection runs over TLS (SHOW SERVERS `tls`).</summary>
    public string? TlsDescription { get; private set; }

    /// <summary>The SASL mechanism of the login (SCRAM-SHA-256-PLUS when channel binding was used); null without SASL.</summary>
    public string? SaslMechanism => _loginAuth?.Mechanism;

    /// <summary>Set when the server answered the login with an ErrorResponse (see <see cref="ConnectAsync"/>).</summary>
    private bool _refusedByServer;

    /// <summary>
    /// Open a connection and log in. With server_tls_sslmode allow and prefer a refused login is tried once more
    /// the other way, as libpq does: allow starts in plain text and retries over TLS (a server whose hba has only
    /// `hostssl` lines), prefer starts with TLS and retries in plain text (`hostnossl` lines). Only a refusal the
    /// server sent counts; an unreachable host is not tried twice.
    /// </summary>
    public static async ValueTask<ServerConnectResult> ConnectAsync(IoEngine engine, Pool pool, ServerTarget target,
        ILogger log, CancellationToken ct, ServerTlsSettings? tls = null)
    {
        var tlsPossible = tls is not null && !target.IsUnixSocket;
        var firstTls = tlsPossible && tls!.AsksForTls;
        var (result, refused) = await ConnectOnceAsync(engine, pool, target, log, ct, tls, firstTls);
        if (result.Status == ServerConnectStatus.Connected || !refused || !tlsPossible || !tls!.TriesBothWays
            || ct.IsCancellationRequested)
            return result;
        log.Information("server {Host} refused the login {Way:l} ({Error}); trying again {Other:l} (server_tls_sslmode = {Mode})",
            target.HostKey, firstTls ? "over TLS" : "in plain text", result.Error, firstTls ? "in plain text" : "over TLS", tls.Mode);
        return (await ConnectOnceAsync(engine, pool, target, log, ct, tls, !firstTls)).Result;
    }

    /// <summary>
    /// Null to go on with the login (over TLS, or in plain text where the mode allows it); a result when the
    /// connection cannot be used. Unix sockets never ask (PostgreSQL answers 'N' on them, and they are local).
    /// </summary>
    private async ValueTask<ServerConnectResult?> NegotiateTlsAsync(ServerTlsSettings? tls)
    {
        if (tls is null || Target.IsUnixSocket)
            return null;
        FrontendMessages.WriteSslRequest(Output.Writer);
        if (!await Output.FlushAsync())
            return Unavailable("server closed the connection before answering SSLRequest");
        var input = _conn.Input;
        var read = await input.ReadAsync();
        var buffer = read.Buffer;
        if (buffer.IsEmpty)
        {
            input.AdvanceTo(buffer.End);
            return Unavailable("server closed the connection before answering SSLRequest");
        }
        var answer = buffer.FirstSpan[0];
        var more = buffer.Length > 1;
        input.AdvanceTo(buffer.GetPosition(1));
        if (answer == (byte)'N')
        {
            if (tls.RequiresTls)
                return TlsRefused($"server {Target.HostKey} does not support TLS (server_tls_sslmode = {tls.Mode})");
            return null;
        }
        if (answer != (byte)'S')
            return TlsRefused($"server {Target.HostKey} sent an invalid answer to SSLRequest");
        // Bytes after 'S' were not encrypted and may be injected (CVE-2021-23222): refuse, as libpq does.
        if (more)
            return TlsRefused($"server {Target.HostKey} sent unencrypted data after SSL response");

        var host = Target.Host;
        var result = await TlsHandshake.ConnectAsync(_engine!, _conn, tls, host);
        if (result.Connection is not { } connection)
            return TlsRefused($"TLS handshake with server {Target.HostKey} failed: {result.Error}");
        _conn = connection;
        Output = new GuardedOutput(connection.Output);
        TlsDescription = connection.Description;
        if (connection.Ssl.RemoteCertificate is { } cert)
        {
            using var cert2 = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
            _channelBindingHash = ChannelBinding.TryComputeTlsServerEndPoint(cert2, out var hash) ? hash : null;
        }
        Log.Debug("TLS to {Host}: {Tls:l}", Target.HostKey, connection.Description);
        return null;
    }

    /// <summary>A TLS failure is the host's state, not this pool's login: host back-off, 08006 to waiting clients.</summary>
    private ServerConnectResult TlsRefused(string message)
    {
        Log.Warning("{Message:l}", message);
        return Unavailable(message);
    }
}
