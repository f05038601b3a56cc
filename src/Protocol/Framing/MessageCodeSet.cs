// A set of message type bytes, as a 256-bit mask: which codes the scanner must deliver whole.
namespace Pooler.Protocol;

/// <summary>Immutable set of type bytes; membership is one shift and mask.</summary>
public readonly struct MessageCodeSet : IEquatable<MessageCodeSet>
{
    private readonly ulong _w0, _w1, _w2, _w3;

    private MessageCodeSet(ulong w0, ulong w1, ulong w2, ulong w3) => (_w0, _w1, _w2, _w3) = (w0, w1, w2, w3);

    public static MessageCodeSet Empty => default;

    /// <summary>Every code: the scanner then behaves like <see cref="FrameReader"/>.</summary>
    public static MessageCodeSet All => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    public static MessageCodeSet Of(params ReadOnlySpan<BackendMessageCode> codes)
    {
        var set = Empty;
        foreach (var c in codes) set = set.With((byte)c);
        return set;
    }

    public static MessageCodeSet Of(params ReadOnlySpan<FrontendMessageCode> codes)
    {
        var set = Empty;
        foreach (var c in codes) set = set.With((byte)c);
        return set;
    }

    public bool Contains(byte code)
    {
        ulong word = (code >> 6) switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
        return (word & (1UL << (code & 63))) != 0;
    }

    public MessageCodeSet With(byte code)
    {
        ulong bit = 1UL << (code & 63);
        return (code >> 6) switch
        {
            0 => new(_w0 | bit, _w1, _w2, _w3),
            1 => new(_w0, _w1 | bit, _w2, _w3),
            2 => new(_w0, _w1, _w2 | bit, _w3),
            _ => new(_w0, _w1, _w2, _w3 | bit),
        };
    }

    public MessageCodeSet With(BackendMessageCode code) => With((byte)code);
    public MessageCodeSet With(FrontendMessageCode code) => With((byte)code);

    public MessageCodeSet Union(MessageCodeSet other) =>
        new(_w0 | other._w0, _w1 | other._w1, _w2 | other._w2, _w3 | other._w3);

    public bool Equals(MessageCodeSet other) =>
        _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is MessageCodeSet other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);
    public static bool operator ==(MessageCodeSet left, MessageCodeSet right) => left.Equals(right);
    public static bool operator !=(MessageCodeSet left, MessageCodeSet right) => !left.Equals(right);
}
