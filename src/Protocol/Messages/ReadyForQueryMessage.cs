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
        Span<byte> one = stackalloc byte[1];
        body.CopyTo(one);                                  // the first segment may be empty
        byte b = one[0];
        if (b is not ((byte)'I' or (byte)'T' or (byte)'E'))
            return false;
        status = (TransactionStatus)b;
        return true;
    }
}
