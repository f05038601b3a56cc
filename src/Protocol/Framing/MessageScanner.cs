// Streams typed messages through in pieces, holding only the messages the pooler must decode; state spans reads.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>
/// Pass-through scanner for one direction of a connection. Messages whose code is in <see cref="WholeCodes"/> are
/// returned whole (after a size check against <see cref="MaxWholeBodyLength"/> made before the body is awaited);
/// every other message is returned as a header piece and body pieces as the bytes arrive, so a 1 GB DataRow or
/// CopyData passes with memory bounded by the pipe's segment size and no allocation. Never consumes past the current
/// message. One instance per direction per connection; not thread-safe.
/// </summary>
public sealed class MessageScanner
{
    private byte _code;
    private int _length;
    private long _remaining;
    private ProtocolError _error;

    public MessageScanner(MessageCodeSet wholeCodes, int maxWholeBodyLength, int maxForwardBodyLength = int.MaxValue - 4)
    {
        WholeCodes = wholeCodes;
        MaxWholeBodyLength = maxWholeBodyLength;
        MaxForwardBodyLength = maxForwardBodyLength;
    }

    /// <summary>Codes delivered whole. May change between calls (e.g. when statement tracking turns on).</summary>
    public MessageCodeSet WholeCodes { get; set; }

    /// <summary>Largest body accepted for a message delivered whole; a larger one is <see cref="ProtocolErrorCode.FrameTooLarge"/>.</summary>
    public int MaxWholeBodyLength { get; set; }

    /// <summary>
    /// 0 (default): a whole-set message over <see cref="MaxWholeBodyLength"/> is an error. Above 0: such a message is
    /// streamed instead, starting with a <see cref="ScanStatus.LargeMessageStart"/> that carries this many body bytes
    /// (or the whole body if shorter), so a 1 GB Bind can be renamed without being held in memory.
    /// </summary>
    public int LargeMessageHeadLength { get; set; }

    /// <summary>Largest body accepted for a pass-through message (PostgreSQL itself allows up to 1 GB for most).</summary>
    public int MaxForwardBodyLength { get; set; }

    /// <summary>True between a MessageStart that did not end its message and the Forward that does.</summary>
    public bool InMessage => _remaining > 0;

    /// <summary>Type byte of the message in progress (or last seen).</summary>
    public byte CurrentCode => _code;

    /// <summary>Body bytes of the current pass-through message not yet returned.</summary>
    public long Remaining => _remaining;

    /// <summary>
    /// Takes the next step over <paramref name="buffer"/>, advancing it past the bytes returned. Call in a loop until
    /// <see cref="ScanStatus.NeedMoreData"/> or <see cref="ScanStatus.Error"/>.
    /// </summary>
    public ScanResult Scan(ref ReadOnlySequence<byte> buffer)
    {
        if (_error.IsError)
            return new ScanResult(ScanStatus.Error, _code, _length, default, false, _error);

        if (_remaining > 0)
        {
            if (buffer.IsEmpty)
                return default;
            long take = Math.Min(_remaining, buffer.Length);
            var piece = buffer.Slice(0, take);
            buffer = buffer.Slice(piece.End);
            _remaining -= take;
            return new ScanResult(ScanStatus.Forward, _code, _length, piece, _remaining == 0, default);
        }

        if (!FrameReader.TryReadHeader(buffer, out var code, out var length))
            return default;
        _code = code;
        _length = length;
        if (length < 4)
            return Fail(ProtocolError.InvalidLength(length, 4));
        int bodyLength = length - 4;

        if (WholeCodes.Contains(code))
        {
            if (bodyLength > MaxWholeBodyLength)
            {
                if (LargeMessageHeadLength <= 0)
                    return Fail(ProtocolError.TooLarge(bodyLength, MaxWholeBodyLength));
                if (bodyLength > MaxForwardBodyLength)
                    return Fail(ProtocolError.TooLarge(bodyLength, MaxForwardBodyLength));
                long head = FrameReader.HeaderLength + (long)Math.Min(bodyLength, LargeMessageHeadLength);
                if (buffer.Length < head)
                    return default;
                var headBytes = buffer.Slice(0, head);
                buffer = buffer.Slice(headBytes.End);
                _remaining = bodyLength - (head - FrameReader.HeaderLength);
                return new ScanResult(ScanStatus.LargeMessageStart, code, length, headBytes, _remaining == 0, default);
            }
            long total = FrameReader.HeaderLength + (long)bodyLength;
            if (buffer.Length < total)
                return default;
            var raw = buffer.Slice(0, total);
            buffer = buffer.Slice(raw.End);
            return new ScanResult(ScanStatus.Frame, code, length, raw, true, default);
        }

        if (bodyLength > MaxForwardBodyLength)
            return Fail(ProtocolError.TooLarge(bodyLength, MaxForwardBodyLength));
        long available = Math.Min(bodyLength, buffer.Length - FrameReader.HeaderLength);
        var start = buffer.Slice(0, FrameReader.HeaderLength + available);
        buffer = buffer.Slice(start.End);
        _remaining = bodyLength - available;
        return new ScanResult(ScanStatus.MessageStart, code, length, start, _remaining == 0, default);
    }

    /// <summary>Forgets any message in progress and any error (e.g. when a server connection is reused).</summary>
    public void Reset()
    {
        _code = 0;
        _length = 0;
        _remaining = 0;
        _error = default;
    }

    private ScanResult Fail(ProtocolError error)
    {
        _error = error;
        return new ScanResult(ScanStatus.Error, _code, _length, default, false, error);
    }
}
