// TLS toward the client: the handshake after 'S' or for direct TLS, and the TLS state that auth and SHOW read.
using System.Net.Sockets;
using Pooler.Servers;
using Pooler.Tls;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384" once the client speaks TLS (SHOW CLIENTS `tls` column); null before.</summary>
    public string? TlsDescription { get; private set; }

    /// <summary>The SASL mechanism the client completed (SCRAM-SHA-256 or SCRAM-SHA-256-PLUS); null without SCRAM.</summary>
    public string? SaslMechanism { get; private set; }

    /// <summary>Client TLS settings of the current snapshot; null when client_tls_sslmode is disable. Unix-socket
    /// clients never get TLS (as in PgBouncer and PostgreSQL: the socket is already local).</summary>
    private ClientTlsSettings? ClientTls =>
        _conn.RemoteEndPoint is UnixDomainSocketEndPoint ? null : TlsRegistry.For(_rt.Options, _rt.Log).Client;

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
        _input = tls.Input;
        Output = new GuardedOutput(tls.Output);
        IsTls = true;
        TlsDescription = tls.Description;
        ChannelBindingHash = settings.ChannelBindingHash;
        CertificateUser = TlsVerification.CommonName(tls.Ssl.RemoteCertificate);
        Log.Debug("TLS: {Tls:l}{Direct:l}{Cert:l}", tls.Description, direct ? " (direct)" : "",
            CertificateUser is null ? "" : $", client certificate CN={CertificateUser}");
        return null;
    }
}
