// Decodes CommandComplete ('C' from the server): the command tag the admin console and statistics read.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>CommandComplete decoder.</summary>
public static class CommandCompleteMessage
{
    /// <summary>The command tag, e.g. "INSERT 0 1", "SELECT 5", "BEGIN".</summary>
    public static bool TryParse(in ReadOnlySequence<byte> body, out string tag) => TryParseSingleString(body, out tag);

    internal static bool TryParseSingleString(in ReadOnlySequence<byte> body, out string value)
    {
        var r = new SequenceReader<byte>(body);
        return r.TryReadCString(out value) && r.End;
    }
}
