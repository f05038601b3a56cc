// One user in a snapshot (SHOW USERS row): [users] overrides and live connection counts.
namespace Pooler.Management;

internal sealed record UserInfo
{
    public string Name { get; init; } = "";
    public int? PoolSize { get; init; }
    public int? ReservePoolSize { get; init; }
    public string? PoolMode { get; init; }
    public int MaxUserConnections { get; init; }
    public int CurrentConnections { get; init; }
    public int MaxUserClientConnections { get; init; }
    public int CurrentClientConnections { get; init; }
}
