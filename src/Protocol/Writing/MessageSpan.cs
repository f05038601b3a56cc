// Fills one message into a span taken from an IBufferWriter: the length is computed first, so it is exact.
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Pooler.Protocol;

/// <summary>
/// Writes one message into a contiguous span of exactly its size. Every writer first adds up the field sizes (one
/// line per field), so the length word is written up front rather than patched: an IBufferWriter cannot go back
/// once advanced, and a computed length also lets <see cref="Finish"/> check that the fields matched it.
/// </summary>
internal ref struct MessageSpan
{
    private readonly IBufferWriter<byte> _writer;
    private readonly Span<byte> _span;
    private int _position;

    private MessageSpan(IBufferWriter<byte> writer, int total)
    {
        _writer = writer;
        _span = writer.GetSpan(total).Slice(0, total);
        _position = 0;
    }

    /// <summary>Starts a typed message: type byte, then length = bodyLength + 4.</summary>
    public static MessageSpan Begin(IBufferWriter<byte> writer, byte code, int bodyLength)
    {
        var m = new MessageSpan(writer, 1 + 4 + bodyLength);
        m.WriteByte(code);
        m.WriteInt32(4 + bodyLength);
        return m;
    }

    /// <summary>Starts a startup-phase packet (no type byte): length = bodyLength + 4.</summary>
    public static MessageSpan BeginUntyped(IBufferWriter<byte> writer, int bodyLength)
    {
        var m = new MessageSpan(writer, 4 + bodyLength);
        m.WriteInt32(4 + bodyLength);
        return m;
    }

    public void WriteByte(byte value) => _span[_position++] = value;

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_span.Slice(_position), value);
        _position += 2;
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_span.Slice(_position), value);
        _position += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span.Slice(_position));
        _position += value.Length;
    }

    public void WriteBytes(in ReadOnlySequence<byte> value)
    {
        value.CopyTo(_span.Slice(_position));
        _position += (int)value.Length;
    }

    /// <summary>UTF-8 text followed by a NUL (the protocol's String type).</summary>
    public void WriteCString(string value)
    {
        _position += Encoding.UTF8.GetBytes(value, _span.Slice(_position));
        _span[_position++] = 0;
    }

    /// <summary>UTF-8 text without terminator (e.g. a DataRow value).</summary>
    public void WriteText(string value) => _position += Encoding.UTF8.GetBytes(value, _span.Slice(_position));

    /// <summary>Commits the message to the writer.</summary>
    public void Finish()
    {
        Debug.Assert(_position == _span.Length, $"message filled {_position} of {_span.Length} bytes");
        if (_position != _span.Length)
            throw new InvalidOperationException($"message writer bug: filled {_position} of {_span.Length} bytes");
        _writer.Advance(_position);
    }

    /// <summary>Size of a String field: UTF-8 bytes plus the NUL.</summary>
    public static int CStringSize(string value) => Encoding.UTF8.GetByteCount(value) + 1;

    /// <summary>Size of text without terminator.</summary>
    public static int TextSize(string value) => Encoding.UTF8.GetByteCount(value);
}
