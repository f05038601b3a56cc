// Decodes CommandComplete ('C' from the server): the command tag the admin console and statistics read.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>CommandComplete decoder.</summary>
public static class CommandCompleteMessage
{
    /// <summary>The command tag, e.g. "INSERT 0 1", "SELECT 5", "BEGIN".</summary>
    public static bool TryParse(in ReadOnlySequence<byte> body, out string tag) => TryParseSingleString(body, out tag);

    /// <summary>
    /// The tag's meaning for session tracking, read from the bytes: the pooler sees a CommandComplete for every
    /// statement, and decoding each tag into a string only to compare it with six constants cost more than the rest
    /// of the reply's handling. A body that is not one NUL-terminated string is Other.
    /// </summary>
    public static SessionTag ClassifySessionTag(in ReadOnlySequence<byte> body)
    {
        // The longest tag of interest is "DEALLOCATE ALL" (14 bytes) plus its NUL.
        if (body.Length is < 4 or > 15)
            return SessionTag.Other;
        Span<byte> copy = stackalloc byte[15];
        body.CopyTo(copy);
        var bytes = copy[..(int)body.Length];
        if (bytes[^1] != 0)
            return SessionTag.Other;
        var tag = bytes[..^1];
        return tag switch
        {
            _ when tag.SequenceEqual("SET"u8) => SessionTag.Set,
            _ when tag.SequenceEqual("RESET"u8) => SessionTag.Reset,
            _ when tag.SequenceEqual("COMMIT"u8) => SessionTag.Commit,
            _ when tag.SequenceEqual("ROLLBACK"u8) => SessionTag.Rollback,
            _ when tag.SequenceEqual("DISCARD ALL"u8) => SessionTag.DiscardAll,
            _ when tag.SequenceEqual("DEALLOCATE ALL"u8) => SessionTag.DeallocateAll,
            _ => SessionTag.Other,
        };
    }

    internal static bool TryParseSingleString(in ReadOnlySequence<byte> body, out string value)
    {
        var r = new SequenceReader<byte>(body);
        return r.TryReadCString(out value) && r.End;
    }
}
