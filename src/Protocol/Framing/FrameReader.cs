// Reads whole typed messages (type byte + Int32 length + body) from a received byte sequence.
using System.Buffers;
using System.Buffers.Binary;

namespace Pooler.Protocol;

/// <summary>
/// Frame reader for the typed-message phase. The declared length is checked against the caller's maximum as soon as
/// the 5-byte header is in, so an oversized frame is refused before its body is awaited. Never consumes past a frame.
/// For messages that should stream through rather than be held whole, use <see cref="MessageScanner"/>.
/// </summary>
public static class FrameReader
{
    /// <summary>Type byte plus Int32 length.</summary>
    public const int HeaderLength = 5;

    /// <summary>
    /// Tries to read one frame from the start of <paramref name="buffer"/>. On <see cref="FrameReadStatus.Frame"/>
    /// the buffer is advanced past it; otherwise the buffer is unchanged.
    /// </summary>
    /// <param name="maxBodyLength">Largest body accepted (the length field minus 4), as PostgreSQL counts it.</param>
    public static FrameReadStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxBodyLength, out Frame frame, out ProtocolError error)
    {
        frame = default;
        error = default;
        if (!TryReadHeader(buffer, out var code, out var length))
            return FrameReadStatus.NeedMoreData;
        if (length < 4)
        {
            error = ProtocolError.InvalidLength(length, 4);
            return FrameReadStatus.Error;
        }
        if (length - 4 > maxBodyLength)
        {
            error = ProtocolError.TooLarge(length - 4, maxBodyLength);
            return FrameReadStatus.Error;
        }
        long total = 1L + length;
        if (buffer.Length < total)
            return FrameReadStatus.NeedMoreData;
        var raw = buffer.Slice(0, total);
        frame = new Frame(code, length, raw);
        buffer = buffer.Slice(raw.End);
        return FrameReadStatus.Frame;
    }

    /// <summary>Reads the type byte and length without consuming; false when fewer than 5 bytes are available.</summary>
    internal static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out byte code, out int length)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= HeaderLength)
        {
            code = first[0];
            length = BinaryPrimitives.ReadInt32BigEndian(first.Slice(1));
            return true;
        }
        if (buffer.Length < HeaderLength)
        {
            code = 0;
            length = 0;
            return false;
        }
        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        code = header[0];
        length = BinaryPrimitives.ReadInt32BigEndian(header.Slice(1));
        return true;
    }
}
