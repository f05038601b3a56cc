// Runs TLS handshakes over an IoConnection, off the loop thread, and hands back a TlsConnection on the loop thread.
using System.Net.Security;
using System.Security.Authentication;
using Pooler.Io;

namespace Pooler.Tls;

internal static class TlsHandshake
{
    /// <summary>
    /// Accept a client's TLS (after 'S', or at once for direct TLS). Call and await on the loop thread: the handshake
    /// itself runs on the thread pool, and the await resumes on the loop through its SynchronizationContext.
    /// </summary>
    public static async Task<TlsHandshakeResult> AcceptAsync(IoEngine engine, IoConnection conn, ClientTlsSettings settings, bool direct)
    {
        var raw = new HandshakeStream(engine, conn);
        var ssl = new SslStream(raw, leaveInnerStreamOpen: false);
        var options = settings.CreateOptions(direct);
        var error = await Task.Run(() => RunAsync(ssl.AuthenticateAsServerAsync(options, CancellationToken.None)));
        if (error is not null)
        {
            ssl.Dispose();
            return error.Value;
        }
        if (direct && ssl.NegotiatedApplicationProtocol != ClientTlsSettings.PostgresAlpn)
        {
            ssl.Dispose();
            return TlsHandshakeResult.Failed(TlsHandshakeStatus.NoAlpn, "direct TLS connection without ALPN \"postgresql\"");
        }
        raw.OffLoop = false;
        return new(TlsHandshakeStatus.Done, new TlsConnection(conn, ssl, engine), null);
    }

    /// <summary>Start TLS toward a server that answered 'S'; same threading as <see cref="AcceptAsync"/>.</summary>
    public static async Task<TlsHandshakeResult> ConnectAsync(IoEngine engine, IoConnection conn, ServerTlsSettings settings, string host)
    {
        var raw = new HandshakeStream(engine, conn);
        var ssl = new SslStream(raw, leaveInnerStreamOpen: false);
        var options = settings.CreateOptions(host);
        var error = await Task.Run(() => RunAsync(ssl.AuthenticateAsClientAsync(options, CancellationToken.None)));
        if (error is not null)
        {
            ssl.Dispose();
            return error.Value;
        }
        raw.OffLoop = false;
        return new(TlsHandshakeStatus.Done, new TlsConnection(conn, ssl, engine), null);
    }

    private static async Task<TlsHandshakeResult?> RunAsync(Task handshake)
    {
        try
        {
            await handshake.ConfigureAwait(false);
            return null;
        }
        catch (AuthenticationException ex)
        {
            var detail = ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
            return TlsHandshakeResult.Failed(TlsHandshakeStatus.Refused, detail);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            return TlsHandshakeResult.Failed(TlsHandshakeStatus.ConnectionLost, ex.Message);
        }
    }
}
