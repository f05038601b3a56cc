// One server connection in a snapshot (SHOW SERVERS row).
namespace Pooler.Management;

internal sealed record ServerInfo
{
    public long Id { get; init; }
    public int Worker { get; init; }
    public string User { get; init; } = "";
    public string Database { get; init; } = "";
    /// <summary>active (linked), idle, tested (running reset/clean-up) or new (logging in).</summary>
    public string State { get; init; } = "";
    public string Addr { get; init; } = "";
    public int Port { get; init; }
    public string LocalAddr { get; init; } = "";
    public int LocalPort { get; init; }
    public DateTimeOffset ConnectTime { get; init; }
    public DateTimeOffset RequestTime { get; init; }
    public bool CloseNeeded { get; init; }
    /// <summary>The id of the linked client, if any.</summary>
    public long? Link { get; init; }
    public int RemotePid { get; init; }
    public string ApplicationName { get; init; } = "";
    /// <summary>TLS protocol and cipher of the server connection, or "" when plain.</summary>
    public string Tls { get; init; } = "";
    /// <summary>Statements in this server's prepared-statement cache.</summary>
    public int PreparedStatements { get; init; }
}
