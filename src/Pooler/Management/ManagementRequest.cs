// One request on the management socket: protocol version, command word, string arguments.
namespace Pooler.Management;

internal sealed record ManagementRequest
{
    public int Version { get; init; } = ManagementProtocol.Version;
    public string Command { get; init; } = "";
    public Dictionary<string, string> Args { get; init; } = [];
}
