// Helpers for reading the protocol's String (NUL-terminated) fields from a SequenceReader.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

internal static class SequenceReaderExtensions
{
    /// <summary>Reads a NUL-terminated field as a slice (no copy), consuming the NUL.</summary>
    public static bool TryReadCString(ref this SequenceReader<byte> reader, out ReadOnlySequence<byte> value) =>
        reader.TryReadTo(out value, 0);

    /// <summary>Reads a NUL-terminated field as a UTF-8 string.</summary>
    public static bool TryReadCString(ref this SequenceReader<byte> reader, out string value)
    {
        if (reader.TryReadTo(out ReadOnlySequence<byte> slice, 0))
        {
            value = Encoding.UTF8.GetString(slice);
            return true;
        }
        value = "";
        return false;
    }

    /// <summary>The rest of the body as a slice.</summary>
    public static ReadOnlySequence<byte> ReadRest(ref this SequenceReader<byte> reader)
    {
        var rest = reader.UnreadSequence;
        reader.AdvanceToEnd();
        return rest;
    }
}
