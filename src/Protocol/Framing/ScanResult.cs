// One step's output from the pass-through scanner: which message, which bytes, whether it ended.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>Output of <see cref="MessageScanner.Scan"/>. Byte slices are views into the caller's buffer.</summary>
public readonly struct ScanResult
{
    internal ScanResult(ScanStatus status, byte code, int length, ReadOnlySequence<byte> bytes, bool endsMessage, ProtocolError error)
    {
        Status = status;
        Code = code;
        Length = length;
        Bytes = bytes;
        EndsMessage = endsMessage;
        Error = error;
    }

    public ScanStatus Status { get; }

    /// <summary>Type byte of the message these bytes belong to.</summary>
    public byte Code { get; }

    /// <summary>The message's length field (body length + 4).</summary>
    public int Length { get; }

    /// <summary>Bytes to forward: header+body part (MessageStart), body part (Forward), or the whole frame (Frame).</summary>
    public ReadOnlySequence<byte> Bytes { get; }

    /// <summary>True when <see cref="Bytes"/> contains the message's last byte.</summary>
    public bool EndsMessage { get; }

    public ProtocolError Error { get; }

    /// <summary>The whole frame; meaningful when <see cref="Status"/> is <see cref="ScanStatus.Frame"/>.</summary>
    public Frame Frame => new(Code, Length, Bytes);
}
