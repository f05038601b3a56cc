// Decodes NotificationResponse ('A'): a LISTEN/NOTIFY event (in session mode the pooler just forwards these).
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>NotificationResponse: notifying backend's process id, channel and payload.</summary>
public readonly record struct NotificationResponseMessage(int ProcessId, string Channel, string Payload)
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out NotificationResponseMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadBigEndian(out int pid) || !r.TryReadCString(out string channel) || !r.TryReadCString(out string payload) || !r.End)
            return false;
        message = new(pid, channel, payload);
        return true;
    }
}
