// One client connection in a snapshot (SHOW CLIENTS row).
namespace Pooler.Management;

internal sealed record ClientInfo
{
    public long Id { get; init; }
    public int Worker { get; init; }
    public string User { get; init; } = "";
    public string Database { get; init; } = "";
    /// <summary>active (linked to a server), idle, waiting (queued for a server) or login.</summary>
    public string State { get; init; } = "";
    public string Addr { get; init; } = "";
    public int Port { get; init; }
    public string LocalAddr { get; init; } = "";
    public int LocalPort { get; init; }
    public DateTimeOffset ConnectTime { get; init; }
    public DateTimeOffset RequestTime { get; init; }
    public long WaitUs { get; init; }
    /// <summary>The id of the linked server, if any.</summary>
    public long? Link { get; init; }
    public string ApplicationName { get; init; } = "";
    public bool Tls { get; init; }
    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384" on a TLS connection (the `tls` column), else empty.</summary>
    public string TlsDescription { get; init; } = "";
    public bool IsAdmin { get; init; }
    /// <summary>Named statements this client has prepared (transaction/statement mode tracking).</summary>
    public int PreparedStatements { get; init; }
}
