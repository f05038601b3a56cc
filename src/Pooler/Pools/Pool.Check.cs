// server_check_query: an idle server unused for server_check_delay is checked before a client gets it.
namespace Pooler.Pools;

internal sealed partial class Pool
{
    /// <summary>Why a server that failed server_check_query is closed.</summary>
    internal const string CheckFailedReason = "server check query failed";

    private bool NeedsCheck(IPooledServer server, DateTimeOffset now) =>
        Settings.ServerCheckQuery is { Length: > 0 } && now - server.IdleSince >= Settings.ServerCheckDelay;

    /// <summary>
    /// The server sits in the active list (so it counts toward pool_size) while the check runs. A failed check
    /// closes it and the acquire starts over (another idle server, or a wait); a caller that gave up meanwhile
    /// gets Cancelled and the checked server goes back through Release.
    /// </summary>
    private async ValueTask<AcquireResult> CheckThenHandAsync(IPooledServer server, CancellationToken ct)
    {
        var ok = await server.CheckAsync(Settings.ServerCheckQuery!);
        if (!_active.Contains(server))
        {
            // Died during the check (Discard already dropped it) or the pool shut down.
            return await AcquireAsync(ct);
        }
        if (!ok || !server.IsUsable)
        {
            _active.Remove(server);
            Drop(server, CheckFailedReason, notable: true);
            Launch();
            return await AcquireAsync(ct);
        }
        if (ct.IsCancellationRequested || _shutdown)
        {
            Release(server, reusable: true);
            return AcquireResult.Failed(_shutdown ? AcquireStatus.Shutdown : AcquireStatus.Cancelled, null);
        }
        return AcquireResult.Acquired(server);
    }
}
