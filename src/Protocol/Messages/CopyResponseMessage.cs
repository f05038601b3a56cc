// Decodes CopyInResponse ('G'), CopyOutResponse ('H') and CopyBothResponse ('W'): overall and per-column formats.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>A Copy*Response: overall format (0 text, 1 binary) and each column's format.</summary>
public sealed record CopyResponseMessage(byte OverallFormat, short[] ColumnFormats)
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out CopyResponseMessage message)
    {
        message = null!;
        var r = new SequenceReader<byte>(body);
        if (!r.TryRead(out byte format) || format > 1 || !r.TryReadBigEndian(out short count) || count < 0 || r.Remaining != 2L * count)
            return false;
        var formats = new short[count];
        for (int i = 0; i < count; i++)
            r.TryReadBigEndian(out formats[i]);
        message = new(format, formats);
        return true;
    }
}
