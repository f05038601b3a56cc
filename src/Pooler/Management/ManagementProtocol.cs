// The management socket's framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
using System.Buffers.Binary;
using System.Text.Json;

namespace Pooler.Management;

internal static class ManagementProtocol
{
    public const int Version = 1;

    /// <summary>Largest frame either side accepts; a longer declared length ends the connection with an error.</summary>
    public const int MaxFrame = 4 << 20;

    /// <summary>The next frame's payload; null on a clean EOF before a frame. Throws InvalidDataException on a bad length.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken ct = default)
    {
        var header = new byte[4];
        if (!await ReadExactlyAsync(stream, header, ct))
            return null;
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > MaxFrame)
            throw new InvalidDataException($"frame length {length} outside 0..{MaxFrame}");
        var body = new byte[length];
        if (!await ReadExactlyAsync(stream, body, ct))
            throw new EndOfStreamException("connection closed inside a frame");
        return body;
    }

    public static async Task WriteFrameAsync(Stream stream, byte[] payload, CancellationToken ct = default)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        await stream.WriteAsync(frame, ct);
        await stream.FlushAsync(ct);
    }

    public static byte[] Encode(ManagementRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, ManagementJson.Default.ManagementRequest);

    public static byte[] Encode(ManagementResponse response) => JsonSerializer.SerializeToUtf8Bytes(response, ManagementJson.Default.ManagementResponse);

    private static async Task<bool> ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(got), ct);
            if (n == 0)
            {
                if (got == 0)
                    return false;
                throw new EndOfStreamException("connection closed inside a frame");
            }
            got += n;
        }
        return true;
    }
}
