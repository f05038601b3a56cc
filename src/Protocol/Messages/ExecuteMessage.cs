// Decodes Execute ('E' from the client): portal name and row limit.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

/// <summary>Execute: portal and maximum rows (0 = no limit).</summary>
public readonly struct ExecuteMessage
{
    public ReadOnlySequence<byte> PortalNameBytes { get; init; }
    public int MaxRows { get; init; }
    public string PortalName => Encoding.UTF8.GetString(PortalNameBytes);

    public static bool TryParse(in ReadOnlySequence<byte> body, out ExecuteMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadCString(out ReadOnlySequence<byte> portal) || !r.TryReadBigEndian(out int maxRows) || !r.End)
            return false;
        message = new ExecuteMessage { PortalNameBytes = portal, MaxRows = maxRows };
        return true;
    }
}
