// TLS toward the client: the handshake after 'S' or for direct TLS, the TLS state that auth and SHOW read, and
// CancelRequests that arrive inside TLS at the wrong worker.
using System.Net;
using System.Net.Sockets;
using Pooler.Protocol;
using Pooler.Servers;
using Pooler.Tls;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384" once the client speaks TLS (SHOW CLIENTS `tls` column); null before.</summary>
    public string? TlsDescription => _security?.TlsDescription;

    /// <summary>The SASL mechanism the client completed (SCRAM-SHA-256 or SCRAM-SHA-256-PLUS); null without SCRAM.</summary>
    public string? SaslMechanism => _security?.SaslMechanism;

    /// <summary>Client TLS settings of the current snapshot; null when client_tls_sslmode is disable. Unix-socket
    /// clients never get TLS (as in PgBouncer and PostgreSQL: the socket is already local).</summary>
    private ClientTlsSettings? ClientTls =>
        _conn.IsUnixSocket ? null : TlsRegistry.For(_rt.Options, _rt.Log).Client;

    /// <summary>Null when the session now runs over TLS; else why it ends (nothing can be said to a client whose
    /// handshake failed, so the failure is only logged).</summary>
    private async ValueTask<SessionEnd?> StartTlsAsync(ClientTlsSettings settings, bool direct)
    {
        var result = await TlsHandshake.AcceptAsync(_rt.Engine, _conn, settings, direct);
        if (_requestedEnd is { } requested)
        {
            if (result.Connection is { } late)
                await late.DisposeAsync();
            return requested;
        }
        if (result.Connection is not { } tls)
        {
            Log.Information("TLS handshake with {Remote} failed: {Error}", _conn.RemoteEndPoint, result.Error);
            return SessionEnd.ClientClosed;
        }
        _conn = tls;
        Rebind(tls.Output);
        var security = Security;
        security.IsTls = true;
        security.TlsDescription = tls.Description;
        security.ChannelBindingHash = settings.ChannelBindingHash;
        security.CertificateUser = TlsVerification.CommonName(tls.Ssl.RemoteCertificate);
        Log.Debug("TLS: {Tls:l}{Direct:l}{Cert:l}", tls.Description, direct ? " (direct)" : "",
            CertificateUser is null ? "" : $", client certificate CN={CertificateUser}");
        return null;
    }

    /// <summary>
    /// With workers, the supervisor routes a CancelRequest by the worker id in its key, but one sent inside TLS (as
    /// Npgsql and libpq 17 do) is opaque to it, so the SSLRequest went to any worker. When the key names another
    /// worker, pass the request on in plain text through the pooler's own listener: the supervisor then routes it.
    /// Only the owning worker can match the key, so a request cannot bounce back here.
    /// </summary>
    private bool ForwardTlsCancel(CancelRequestMessage request)
    {
        if (!IsTls || _rt.Options.Workers <= 0 || (request.ProcessId & 0xFF) == _rt.WorkerId || SelfEndPoint() is not { } self)
            return false;
        Log.Debug("cancel request over TLS for worker {Worker}: passed on through {EndPoint}", request.ProcessId & 0xFF, self);
        _ = CancelSender.SendAsync(_rt.Engine, self, new BackendKeyDataMessage(request.ProcessId, request.SecretKey), Log);
        return true;
    }

    /// <summary>The pooler's own listener as seen from this host: its Unix socket, else the first TCP address
    /// (a wildcard address reached through loopback).</summary>
    private EndPoint? SelfEndPoint()
    {
        var o = _rt.Options;
        if (!string.IsNullOrEmpty(o.UnixSocketDir) && o.UnixSocketPath is { } path)
            return new UnixDomainSocketEndPoint(path);
        if (o.ListenAddr.Count == 0)
            return null;
        var address = o.ListenAddr[0] switch
        {
            "*" or "0.0.0.0" => IPAddress.Loopback,
            "::" => IPAddress.IPv6Loopback,
            var a => IPAddress.TryParse(a, out var ip) ? ip : IPAddress.Loopback,
        };
        return new IPEndPoint(address, o.ListenPort);
    }
}
