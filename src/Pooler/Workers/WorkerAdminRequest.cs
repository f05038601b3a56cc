// An admin command with who asked for it, as it travels between the supervisor and the workers.
using Pooler.Management;

namespace Pooler.Workers;

/// <summary>The actor travels along so each worker's log line names the person, not the supervisor.</summary>
internal sealed record WorkerAdminRequest(AdminCommand Command, AdminActor Actor)
{
    public static byte[] Frame(int id, ReadOnlySpan<byte> json)
    {
        var message = new byte[4 + json.Length];
        BitConverter.TryWriteBytes(message, id);
        json.CopyTo(message.AsSpan(4));
        return message;
    }
}
