// What a startup-phase packet (the ones without a type byte) asks for.
namespace Pooler.Protocol;

/// <summary>Kind of packet read by <see cref="StartupFrameReader"/>.</summary>
public enum StartupFrameKind
{
    /// <summary>A StartupMessage (protocol major version 3); parameters decode with <see cref="StartupMessage"/>.</summary>
    StartupMessage,
    /// <summary>SSLRequest: answer one byte, 'S' (then TLS) or 'N'.</summary>
    SslRequest,
    /// <summary>GSSENCRequest: answer 'N' (the pooler does not do GSS encryption).</summary>
    GssEncRequest,
    /// <summary>CancelRequest: process id and a 4-byte (3.0) or up to 256-byte (3.2) secret key.</summary>
    CancelRequest,
    /// <summary>
    /// The first byte is 0x16, a TLS handshake record: the client uses direct TLS (PostgreSQL 17
    /// sslnegotiation=direct). Nothing is consumed; hand the buffer to the TLS layer.
    /// </summary>
    DirectTls,
}
