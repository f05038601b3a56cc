// The outcome of a TLS handshake: the plaintext connection, or why there is none.
namespace Pooler.Tls;

internal readonly record struct TlsHandshakeResult(TlsHandshakeStatus Status, TlsConnection? Connection, string? Error)
{
    public static TlsHandshakeResult Failed(TlsHandshakeStatus status, string error) => new(status, null, error);
}
