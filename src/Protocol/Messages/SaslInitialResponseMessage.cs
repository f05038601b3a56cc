// Decodes SASLInitialResponse ('p' after AuthenticationSASL): the chosen mechanism and the client-first-message.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>SASLInitialResponse: mechanism and data (<see cref="HasData"/> false when the length was -1).</summary>
public readonly record struct SaslInitialResponseMessage(string Mechanism, ReadOnlySequence<byte> Data, bool HasData)
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out SaslInitialResponseMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadCString(out string mechanism) || !r.TryReadBigEndian(out int length))
            return false;
        if (length == -1 && r.End)
        {
            message = new(mechanism, default, false);
            return true;
        }
        if (length < 0 || r.Remaining != length)
            return false;
        message = new(mechanism, r.ReadRest(), true);
        return true;
    }
}
