// A rejected frame or message, as a value: the reason code, a message for the log/ErrorResponse, and its SQLSTATE.
namespace Pooler.Protocol;

/// <summary>A protocol error: what the reader found wrong. <c>default</c> means no error.</summary>
public readonly record struct ProtocolError(ProtocolErrorCode Code, string Message)
{
    /// <summary>The SQLSTATE to send the peer before closing: 0A000 for versions, 08P01 for everything else.</summary>
    public string SqlState => Code == ProtocolErrorCode.UnsupportedProtocolVersion
        ? Pooler.Protocol.SqlState.FeatureNotSupported
        : Pooler.Protocol.SqlState.ProtocolViolation;

    /// <summary>True when this value carries an error.</summary>
    public bool IsError => Code != ProtocolErrorCode.None;

    internal static ProtocolError InvalidLength(long length, int minimum) =>
        new(ProtocolErrorCode.InvalidLength, $"invalid message length {length} (minimum {minimum})");

    internal static ProtocolError TooLarge(long bodyLength, int maxBodyLength) =>
        new(ProtocolErrorCode.FrameTooLarge, $"message body of {bodyLength} bytes exceeds the limit of {maxBodyLength}");
}
