// What the pool needs from a server connection: an identity, its ages, a health check and a way to close it.
namespace Pooler.Pools;

/// <summary>A logged-in server connection as the pool sees it; the real one is Servers.ServerConnection.</summary>
internal interface IPooledServer
{
    long Id { get; }

    /// <summary>False once the connection is known dead or closing; such a server is never handed out.</summary>
    bool IsUsable { get; }

    /// <summary>When the login completed (set by the pool): what server_lifetime counts from.</summary>
    DateTimeOffset ConnectedAt { get; set; }

    /// <summary>When the server was last parked idle (set by the pool): what server_idle_timeout and server_check_delay count from.</summary>
    DateTimeOffset IdleSince { get; set; }

    /// <summary>
    /// Run server_check_query on an idle server before it is handed out; true when it answered without error and
    /// outside a transaction. False (the pool closes it) on an error, a lost connection, or no answer in time.
    /// </summary>
    ValueTask<bool> CheckAsync(string query);

    /// <summary>Cancel requests sent toward this server's query and not yet done; while any is, a released server is
    /// held back instead of reused (<see cref="Pool.BeingCanceledServers"/>).</summary>
    int CancelsInFlight => 0;

    /// <summary>
    /// Close the connection (Terminate, then close); idempotent, never throws. <paramref name="notable"/> closes (the
    /// pool's timeouts) are logged at Information, routine ones at Debug.
    /// </summary>
    void Close(string reason, bool notable = false);
}
