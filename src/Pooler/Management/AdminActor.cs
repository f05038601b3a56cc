// Who asked for an admin action, for the log line every action writes.
namespace Pooler.Management;

/// <summary>A console user with their address, or a management-socket peer (uid) or TCP user.</summary>
internal sealed record AdminActor(string Via, string Who)
{
    public override string ToString() => $"{Who} via {Via}";
}
