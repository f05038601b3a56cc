// Decodes BackendKeyData ('K'): process id and cancel key, 4 bytes in protocol 3.0, up to 256 in 3.2.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>BackendKeyData; the key is copied because the pooler keeps it for the connection's life.</summary>
public sealed record BackendKeyDataMessage(int ProcessId, byte[] SecretKey)
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out BackendKeyDataMessage message)
    {
        message = null!;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadBigEndian(out int pid) || r.Remaining < 1 || r.Remaining > ProtocolVersions.MaxCancelKeyLength)
            return false;
        message = new(pid, r.ReadRest().ToArray());
        return true;
    }
}
