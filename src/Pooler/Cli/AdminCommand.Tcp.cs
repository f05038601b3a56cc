// `pooler admin --host H --port P --user U`: the TCP management connection, in TLS as --sslmode says (libpq's
// names), then SCRAM-SHA-256 (-PLUS inside TLS, bound to the pooler's certificate).
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Pooler.Config;
using Pooler.Management;
using Pooler.Protocol.Auth;
using Pooler.Tls;

namespace Pooler.Cli;

public sealed partial class AdminCommand
{
    /// <summary>Connecting, the TLS handshake and the SCRAM exchange together must finish within this.</summary>
    private static readonly TimeSpan TcpLoginTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// disable: clear text. allow: clear text, and TLS when the pooler refuses clear text. prefer (the default, as
    /// libpq): TLS, and clear text when the handshake fails. require: TLS, any certificate. verify-ca: a
    /// certificate that chains to --sslrootcert (else the system store). verify-full: verify-ca and the host name
    /// (or IP address) in the certificate. Returns the authenticated stream, or the error to print.
    /// </summary>
    private static async Task<(Stream? Stream, string? Error)> OpenTcpAsync(string host, int port, string user, TlsMode mode,
        string? rootCert, Func<string> password)
    {
        X509Certificate2Collection? roots = null;
        if (rootCert is not null && (roots = TlsCertificates.LoadBundle(rootCert, out var rootError)) is null)
            return (null, $"--sslrootcert: {rootError}");
        using var timeout = new CancellationTokenSource(TcpLoginTimeout);
        var ct = timeout.Token;
        string? tlsError = null;
        if (mode >= TlsMode.Prefer)
        {
            var (tls, binding, error) = await ConnectTlsAsync(host, port, mode, roots, ct);
            if (tls is not null)
                return await LogInAsync(tls, user, password(), binding, ct);
            if (mode >= TlsMode.Require)
                return (null, $"TLS with the pooler failed ({error}); management_tls_sslmode must not be \"disable\" there");
            tlsError = error;
        }
        var plain = new NetworkStream(await ConnectAsync(host, port, ct), ownsSocket: true);
        var (stream, refused) = await LogInAsync(plain, user, password(), null, ct);
        if (refused != ManagementTls.TlsRequiredCode)
            return (stream, refused);
        if (mode == TlsMode.Allow)
        {
            var (tls, binding, error) = await ConnectTlsAsync(host, port, mode, roots, ct);
            return tls is not null ? await LogInAsync(tls, user, password(), binding, ct) : (null, $"TLS with the pooler failed ({error})");
        }
        return (null, "the pooler's management port requires TLS: use --sslmode require, or verify-full with --sslrootcert"
            + (tlsError is null ? "" : $" (TLS was tried and failed: {tlsError})"));
    }

    private static async Task<Socket> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A TLS stream, and the tls-server-end-point data of the pooler's certificate; or why not.</summary>
    private static async Task<(SslStream? Stream, byte[]? Binding, string? Error)> ConnectTlsAsync(string host, int port, TlsMode mode,
        X509Certificate2Collection? roots, CancellationToken ct)
    {
        var ssl = new SslStream(new NetworkStream(await ConnectAsync(host, port, ct), ownsSocket: true));
        try
        {
            // The pooler-to-PostgreSQL settings class does exactly what a libpq-like client needs here.
            var settings = new ServerTlsSettings(mode, clientCertificate: null, roots, SslProtocols.None, ciphers: null);
            await ssl.AuthenticateAsClientAsync(settings.CreateOptions(host), ct);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            return (null, null, ex.Message);
        }
        var binding = ssl.RemoteCertificate is X509Certificate2 cert && ChannelBinding.TryComputeTlsServerEndPoint(cert, out var hash)
            ? hash
            : null;
        return (ssl, binding, null);
    }

    private static async Task<(Stream? Stream, string? Error)> LogInAsync(Stream stream, string user, string password, byte[]? binding,
        CancellationToken ct)
    {
        string? refused;
        try
        {
            refused = await ManagementScram.LogInAsync(stream, user, password, binding, ct);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
        if (refused is null)
            return (stream, null);
        await stream.DisposeAsync();
        return (null, refused);
    }
}
