// Decodes Query ('Q'): the SQL text of a simple query (the admin console parses it).
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>Query decoder.</summary>
public static class QueryMessage
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out string sql) =>
        CommandCompleteMessage.TryParseSingleString(body, out sql);

    /// <summary>
    /// The SQL text's bytes without decoding them, when the body is one well-formed string in one segment (the usual
    /// case); false sends the caller to <see cref="TryParse"/>, which also reports a malformed body.
    /// </summary>
    public static bool TryGetUtf8(in ReadOnlySequence<byte> body, out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if (!body.IsSingleSegment)
            return false;
        var span = body.FirstSpan;
        if (span.IsEmpty || span[^1] != 0 || span[..^1].IndexOf((byte)0) >= 0)
            return false;
        utf8 = span[..^1];
        return true;
    }
}
