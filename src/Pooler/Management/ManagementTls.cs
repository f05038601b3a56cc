// The start of a TCP management connection: a TLS ClientHello or a clear-text frame, and what
// management_tls_sslmode makes of each (TLS from the first byte; no negotiation message of our own).
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Pooler.Config;
using Pooler.Tls;
using Serilog;

namespace Pooler.Management;

internal static class ManagementTls
{
    /// <summary>The first byte of every TLS connection (a handshake record). A clear-text frame starts with the high
    /// byte of its length, which is 0 for any frame under 16 MiB, so one peeked byte tells them apart.</summary>
    private const byte HandshakeRecord = 0x16;

    /// <summary>The code of the answer a clear-text client gets when TLS is required.</summary>
    public const string TlsRequiredCode = "request.tls_required";

    /// <summary>The stream to speak frames on (null: refused or failed, already answered/logged); the SCRAM channel
    /// binding data inside TLS.</summary>
    public readonly record struct Opened(Stream? Stream, byte[]? ChannelBinding, bool IsTls);

    /// <summary>
    /// Thread pool, within the login time limit: peek at the first byte; a ClientHello gets the TLS handshake (the
    /// client_tls certificate of the options in force, so a RELOAD with new files applies to the next connection);
    /// clear text is served unless the mode is require, which answers `request.tls_required` once and closes.
    /// </summary>
    public static async Task<Opened> AcceptAsync(Socket peer, NetworkStream plain, PoolerOptions options, ILogger log, CancellationToken ct)
    {
        var mode = options.ManagementTlsSslMode;
        var first = new byte[1];
        if (await peer.ReceiveAsync(first, SocketFlags.Peek, ct) == 0)
            return default;
        if (first[0] == HandshakeRecord && mode != TlsMode.Disable)
        {
            if (TlsRegistry.For(options, log).Management is not { } tls)
            {
                log.Warning("management port: TLS from {Peer} refused: no certificate is loaded (see the TLS errors logged before)", peer.RemoteEndPoint);
                return default;
            }
            var ssl = new SslStream(plain, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsServerAsync(tls.CreateOptions(direct: false), ct);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                log.Warning("management port: TLS handshake with {Peer} failed: {Error}", peer.RemoteEndPoint, ex.Message);
                await ssl.DisposeAsync();
                return default;
            }
            return new Opened(ssl, tls.ChannelBindingHash, IsTls: true);
        }
        if (mode >= TlsMode.Require)
        {
            // Read the client's first frame before answering: closing with it unread would reset the connection and
            // the client might lose the answer.
            try
            {
                await ManagementProtocol.ReadFrameAsync(plain, ct);
            }
            catch (InvalidDataException)
            {
                return default;
            }
            log.Warning("management port: clear-text connection from {Peer} refused (management_tls_sslmode = {Mode})",
                peer.RemoteEndPoint, mode.ToConfigName());
            await ManagementProtocol.WriteFrameAsync(plain, ManagementProtocol.Encode(ManagementDispatcher.Error("",
                AdminOutcome.Forbidden, TlsRequiredCode,
                $"this management port requires TLS (management_tls_sslmode = {mode.ToConfigName()}): use --sslmode require or verify-full")), ct);
            return default;
        }
        return new Opened(plain, null, IsTls: false);
    }
}
