// TLS toward PostgreSQL: SSLRequest before the StartupMessage, the handshake, and the TLS state SHOW SERVERS reads.
using Pooler.Auth;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Protocol.Auth;
using Pooler.Tls;

namespace Pooler.Servers;

internal sealed partial class ServerConnection
{
    private byte[]? _channelBindingHash;
    private ServerLoginAuth? _loginAuth;

    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384" when this server connection runs over TLS (SHOW SERVERS `tls`).</summary>
    public string? TlsDescription { get; private set; }

    /// <summary>The SASL mechanism of the login (SCRAM-SHA-256-PLUS when channel binding was used); null without SASL.</summary>
    public string? SaslMechanism => _loginAuth?.Mechanism;

    /// <summary>
    /// Null to go on with the login (over TLS, or in plain text where the mode allows it); a result when the
    /// connection cannot be used. Unix sockets never ask (PostgreSQL answers 'N' on them, and they are local).
    /// </summary>
    private async ValueTask<ServerConnectResult?> NegotiateTlsAsync(ServerTlsSettings? tls)
    {
        if (tls is null || !tls.AsksForTls || Target.IsUnixSocket)
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
