// TLS toward the client: the handshake after 'S' or for direct TLS, and the TLS state that auth and SHOW read.
using Pooler.Protocol;
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
}
