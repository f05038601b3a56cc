// Decodes Bind ('B'): portal and statement names; the parameters stay an opaque slice the pooler never inspects.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

/// <summary>Bind as views into the frame. <see cref="Parameters"/> is everything after the statement name.</summary>
public readonly struct BindMessage
{
    public ReadOnlySequence<byte> PortalNameBytes { get; init; }
    public ReadOnlySequence<byte> StatementNameBytes { get; init; }
    public ReadOnlySequence<byte> Parameters { get; init; }

    public string PortalName => Encoding.UTF8.GetString(PortalNameBytes);
    public string StatementName => Encoding.UTF8.GetString(StatementNameBytes);

    /// <summary>Reads the two names; the rest is not validated (the server does that).</summary>
    public static bool TryParse(in ReadOnlySequence<byte> body, out BindMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadCString(out ReadOnlySequence<byte> portal) || !r.TryReadCString(out ReadOnlySequence<byte> statement))
            return false;
        message = new BindMessage { PortalNameBytes = portal, StatementNameBytes = statement, Parameters = r.ReadRest() };
        return true;
    }
}
