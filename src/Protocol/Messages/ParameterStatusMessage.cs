// Decodes ParameterStatus ('S' from the server): a run-time parameter the pooler must track and replay to clients.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>ParameterStatus: name and value.</summary>
public readonly record struct ParameterStatusMessage(string Name, string Value)
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out ParameterStatusMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadCString(out string name) || !r.TryReadCString(out string value) || !r.End)
            return false;
        message = new(name, value);
        return true;
    }
}
