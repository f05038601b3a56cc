// Limits that span every pool of the process (and later every worker).
namespace Pooler.Pools;

internal sealed record PoolManagerSettings
{
    /// <summary>Clients admitted at once (max_client_conn); 0 = unlimited.</summary>
    public int MaxClientConn { get; init; } = 100;

    /// <summary>Server logins in flight per PostgreSQL host (max_server_connects_per_host); 0 = unlimited.</summary>
    public int MaxServerConnectsPerHost { get; init; } = 8;
}
