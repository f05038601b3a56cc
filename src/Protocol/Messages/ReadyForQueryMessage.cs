// Decodes ReadyForQuery ('Z'): the transaction status that decides when a server returns to the pool.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>ReadyForQuery decoder.</summary>
public static class ReadyForQueryMessage
{
    /// <summary>False when the body is not exactly one of 'I', 'T', 'E'.</summary>
    public static bool TryParse(in ReadOnlySequence<byte> body, out TransactionStatus status)
    {
        status = default;
        if (body.Length != 1)
            return false;
        byte b = body.FirstSpan[0];
        if (b is not ((byte)'I' or (byte)'T' or (byte)'E'))
            return false;
        status = (TransactionStatus)b;
        return true;
    }
}
