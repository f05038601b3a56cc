// Reads the first packets of a connection, which carry no type byte: StartupMessage, SSL/GSSENC and Cancel requests.
using System.Buffers;
using System.Buffers.Binary;

namespace Pooler.Protocol;

/// <summary>
/// Startup-phase reader. Validates each packet the way PostgreSQL does (length bounds checked from the header before
/// the body is awaited; StartupMessage layout; cancel key length) so that a <see cref="FrameReadStatus.Frame"/> result
/// can be decoded without further checks. Bad input is a <see cref="FrameReadStatus.Error"/>, never an exception.
/// </summary>
public static class StartupFrameReader
{
    /// <summary>Int32 length plus Int32 version or request code.</summary>
    public const int HeaderLength = 8;

    /// <summary>
    /// Tries to read one startup packet. On <see cref="FrameReadStatus.Frame"/> the buffer is advanced past it
    /// (except <see cref="StartupFrameKind.DirectTls"/>, which consumes nothing); otherwise it is unchanged.
    /// </summary>
    /// <param name="maxBodyLength">Largest length after the length word; PostgreSQL uses 10,000.</param>
    public static FrameReadStatus TryRead(ref ReadOnlySequence<byte> buffer, out StartupFrame frame, out ProtocolError error,
        int maxBodyLength = ProtocolVersions.MaxStartupPacketLength)
    {
        frame = default;
        error = default;
        if (buffer.IsEmpty)
            return FrameReadStatus.NeedMoreData;
        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, 1).CopyTo(header);                 // not FirstSpan[0]: the first segment may be empty
        if (header[0] == 0x16)
        {
            frame = new StartupFrame(StartupFrameKind.DirectTls, 0, default);
            return FrameReadStatus.Frame;
        }
        if (buffer.Length < 4)
            return FrameReadStatus.NeedMoreData;

        int length = ReadInt32(buffer, header.Slice(0, 4));
        // Same bounds as PostgreSQL's ProcessStartupPacket: at least the code, at most the cap, after the length word.
        if (length < HeaderLength)
        {
            error = ProtocolError.InvalidLength(length, HeaderLength);
            return FrameReadStatus.Error;
        }
        if (length - 4 > maxBodyLength)
        {
            error = ProtocolError.TooLarge(length - 4, maxBodyLength);
            return FrameReadStatus.Error;
        }
        if (buffer.Length < length)
            return FrameReadStatus.NeedMoreData;

        var raw = buffer.Slice(0, length);
        int code = ReadInt32(raw.Slice(4), header.Slice(4));
        var kind = Classify(code, raw, out error);
        if (error.IsError)
            return FrameReadStatus.Error;
        frame = new StartupFrame(kind, code, raw);
        buffer = buffer.Slice(raw.End);
        return FrameReadStatus.Frame;
    }

    private static StartupFrameKind Classify(int code, in ReadOnlySequence<byte> raw, out ProtocolError error)
    {
        error = default;
        switch (code)
        {
            case ProtocolVersions.SslRequestCode:
            case ProtocolVersions.GssEncRequestCode:
                if (raw.Length != HeaderLength)
                    error = new(ProtocolErrorCode.InvalidEncryptionRequest, $"invalid length of encryption request packet: {raw.Length}");
                return code == ProtocolVersions.SslRequestCode ? StartupFrameKind.SslRequest : StartupFrameKind.GssEncRequest;
            case ProtocolVersions.CancelRequestCode:
                long keyLength = raw.Length - 12;
                if (keyLength < 1 || keyLength > ProtocolVersions.MaxCancelKeyLength)
                    error = new(ProtocolErrorCode.InvalidCancelRequest, $"invalid length of query cancel key: {keyLength}");
                return StartupFrameKind.CancelRequest;
        }
        if (ProtocolVersions.Major(code) != 3)
        {
            error = new(ProtocolErrorCode.UnsupportedProtocolVersion,
                $"unsupported frontend protocol {ProtocolVersions.Major(code)}.{ProtocolVersions.Minor(code)}: server supports 3.0 to 3.2");
            return StartupFrameKind.StartupMessage;
        }
        if (!StartupMessage.IsValidLayout(raw.Slice(HeaderLength)))
            error = new(ProtocolErrorCode.InvalidStartupPacket, "invalid startup packet layout: expected terminator as last byte");
        return StartupFrameKind.StartupMessage;
    }

    private static int ReadInt32(in ReadOnlySequence<byte> buffer, Span<byte> scratch)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= 4)
            return BinaryPrimitives.ReadInt32BigEndian(first);
        buffer.Slice(0, 4).CopyTo(scratch);
        return BinaryPrimitives.ReadInt32BigEndian(scratch);
    }
}
