// How a TLS handshake ended, as a value: the caller picks the log line and the session ending.
namespace Pooler.Tls;

internal enum TlsHandshakeStatus
{
    Done,
    /// <summary>The peer closed or the socket failed during the handshake (includes our own timeouts' aborts).</summary>
    ConnectionLost,
    /// <summary>The TLS layer refused: bad certificate, no common protocol or cipher, a verification failure.</summary>
    Refused,
    /// <summary>Direct TLS without ALPN "postgresql" (PostgreSQL refuses these too, against cross-protocol attacks).</summary>
    NoAlpn,
}
