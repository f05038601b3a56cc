// One whole typed message as a view over the received bytes (no copy): type byte, length and body.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>
/// A typed message: <see cref="Raw"/> is the exact bytes received (type byte, Int32 length, body), so forwarding a
/// frame unchanged is a copy of <see cref="Raw"/>. Valid only until the pipe is advanced past it.
/// </summary>
public readonly struct Frame
{
    public Frame(byte code, int length, ReadOnlySequence<byte> raw)
    {
        Code = code;
        Length = length;
        Raw = raw;
    }

    /// <summary>The type byte; compare with <see cref="BackendMessageCode"/> or <see cref="FrontendMessageCode"/>.</summary>
    public byte Code { get; }

    /// <summary>The length field as sent: body length + 4.</summary>
    public int Length { get; }

    /// <summary>Header and body, exactly as received.</summary>
    public ReadOnlySequence<byte> Raw { get; }

    /// <summary>The body (after the 5-byte header).</summary>
    public ReadOnlySequence<byte> Body => Raw.Slice(FrameReader.HeaderLength);

    /// <summary>Number of body bytes.</summary>
    public int BodyLength => Length - 4;

    public BackendMessageCode BackendCode => (BackendMessageCode)Code;
    public FrontendMessageCode FrontendCode => (FrontendMessageCode)Code;
}
