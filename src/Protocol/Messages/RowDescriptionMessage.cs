// Decodes RowDescription ('T') and DataRow ('D' from the server) into values; for the admin console and tests.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

/// <summary>Decoders for result rows. They allocate; the pooler forwards real query results without decoding.</summary>
public static class RowDescriptionMessage
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out ColumnDescription[] columns)
    {
        columns = [];
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadBigEndian(out short count) || count < 0)
            return false;
        var list = new ColumnDescription[count];
        for (int i = 0; i < count; i++)
        {
            if (!r.TryReadCString(out string name) || !r.TryReadBigEndian(out int table) || !r.TryReadBigEndian(out short attnum)
                || !r.TryReadBigEndian(out int type) || !r.TryReadBigEndian(out short size) || !r.TryReadBigEndian(out int typmod)
                || !r.TryReadBigEndian(out short format))
                return false;
            list[i] = new ColumnDescription(name, (uint)type, size, typmod, (uint)table, attnum, format);
        }
        if (!r.End)
            return false;
        columns = list;
        return true;
    }

    /// <summary>A DataRow's values as text (null = SQL NULL).</summary>
    public static bool TryParseDataRow(in ReadOnlySequence<byte> body, out string?[] values)
    {
        values = [];
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadBigEndian(out short count) || count < 0)
            return false;
        var list = new string?[count];
        for (int i = 0; i < count; i++)
        {
            if (!r.TryReadBigEndian(out int length) || length < -1 || length > r.Remaining)
                return false;
            if (length == -1)
                continue;
            list[i] = Encoding.UTF8.GetString(r.UnreadSequence.Slice(0, length));
            r.Advance(length);
        }
        if (!r.End)
            return false;
        values = list;
        return true;
    }
}
