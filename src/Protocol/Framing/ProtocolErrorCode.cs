// Every way a peer's bytes can break the framing rules; each one ends that connection with SQLSTATE 08P01 or 0A000.
namespace Pooler.Protocol;

/// <summary>Why a frame was rejected. Documented so tests and callers can tell the cases apart.</summary>
public enum ProtocolErrorCode
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>The length field is below its minimum (4 for typed messages, 8 for startup packets).</summary>
    InvalidLength,
    /// <summary>The declared length exceeds the configured maximum; detected before the body is awaited.</summary>
    FrameTooLarge,
    /// <summary>A StartupMessage with a major version other than 3, or an unknown 1234/xxxx request code.</summary>
    UnsupportedProtocolVersion,
    /// <summary>A StartupMessage whose parameter list is not name/value pairs ending in one terminator.</summary>
    InvalidStartupPacket,
    /// <summary>A CancelRequest whose key is empty or longer than 256 bytes.</summary>
    InvalidCancelRequest,
    /// <summary>An SSLRequest or GSSENCRequest whose length is not 8.</summary>
    InvalidEncryptionRequest,
    /// <summary>A message body that does not match its message type's layout (decoders).</summary>
    MalformedMessage,
}
