// Cancel requests in flight toward this pool's servers, and the servers they hold back: a server whose client let
// go while a cancel for its query was still on its way is not reused until PostgreSQL has handled that cancel, so a
// late cancel cannot hit the next client's query (PgBouncer's being_canceled list).
namespace Pooler.Pools;

internal sealed partial class Pool
{
    private readonly HashSet<IPooledServer> _beingCanceled = [];

    /// <summary>Cancel requests forwarded to this pool's servers whose cancel connection is still open (SHOW POOLS
    /// sv_active_cancel).</summary>
    public int ActiveCancels { get; private set; }

    /// <summary>Released servers held back until the cancels sent toward them are done (SHOW POOLS sv_being_canceled).</summary>
    public IReadOnlyCollection<IPooledServer> BeingCanceledServers => _beingCanceled;

    /// <summary>Loop thread: a cancel toward one of this pool's servers is about to be sent.</summary>
    public void OnCancelStarted() => ActiveCancels++;

    /// <summary>Loop thread: a cancel toward <paramref name="server"/> is done (answered, failed or timed out); a
    /// server held back for it goes on now, as if its client had released it at this moment.</summary>
    public void OnCancelFinished(IPooledServer server)
    {
        ActiveCancels--;
        if (server.CancelsInFlight == 0 && _beingCanceled.Remove(server))
            Return(server);
    }

    /// <summary>True when <paramref name="server"/>, just released, must wait for a cancel before anyone reuses it.</summary>
    private bool HoldForCancel(IPooledServer server)
    {
        if (server.CancelsInFlight == 0 || !server.IsUsable || _shutdown)
            return false;
        _beingCanceled.Add(server);
        return true;
    }
}
