// One [databases] entry in a snapshot (SHOW DATABASES row), with live connection counts.
namespace Pooler.Management;

internal sealed record DatabaseInfo
{
    public string Name { get; init; } = "";
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public string DbName { get; init; } = "";
    public string? ForceUser { get; init; }
    public int PoolSize { get; init; }
    public int MinPoolSize { get; init; }
    public int ReservePoolSize { get; init; }
    public int ServerLifetimeSeconds { get; init; }
    public string? PoolMode { get; init; }
    public int MaxConnections { get; init; }
    public int CurrentConnections { get; init; }
    public int MaxClientConnections { get; init; }
    public int CurrentClientConnections { get; init; }
    public bool Paused { get; init; }
    public bool Disabled { get; init; }
}
