// Decodes Describe ('D' from the client) and Close ('C' from the client): a statement or portal and its name.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

/// <summary>Describe or Close: which kind of object, and its name ("" = unnamed).</summary>
public readonly struct TargetedMessage
{
    public StatementTarget Target { get; init; }
    public ReadOnlySequence<byte> NameBytes { get; init; }
    public string Name => Encoding.UTF8.GetString(NameBytes);

    public static bool TryParse(in ReadOnlySequence<byte> body, out TargetedMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryRead(out byte kind) || kind is not ((byte)'S' or (byte)'P') || !r.TryReadCString(out ReadOnlySequence<byte> name) || !r.End)
            return false;
        message = new TargetedMessage { Target = (StatementTarget)kind, NameBytes = name };
        return true;
    }
}
