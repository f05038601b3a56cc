// Decodes NegotiateProtocolVersion ('v'): the server's newest minor version and the protocol options it ignored.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>NegotiateProtocolVersion.</summary>
public sealed record NegotiateProtocolVersionMessage(int NewestMinorVersion, string[] UnrecognizedOptions)
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out NegotiateProtocolVersionMessage message)
    {
        message = null!;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadBigEndian(out int minor) || !r.TryReadBigEndian(out int count) || count < 0 || count > r.Remaining)
            return false;
        var options = new string[count];
        for (int i = 0; i < count; i++)
            if (!r.TryReadCString(out options[i]))
                return false;
        if (!r.End)
            return false;
        message = new(minor, options);
        return true;
    }
}
