// Decodes Query ('Q'): the SQL text of a simple query (the admin console parses it).
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>Query decoder.</summary>
public static class QueryMessage
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out string sql) =>
        CommandCompleteMessage.TryParseSingleString(body, out sql);
}
