// CancelRequest: find the session by the pooler-issued key and cancel its query on the server running it.
using Pooler.Protocol;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    // While this (cancel request) connection waits for its cancel to be done: the session whose query it cancels.
    private ClientSession? _cancelTarget;

    /// <summary>
    /// Forward the cancel and keep this connection open until PostgreSQL has handled it, as PgBouncer and PostgreSQL
    /// do: a client that waits for the close (libpq's PQcancel) knows the cancel has arrived. Meanwhile SHOW CLIENTS
    /// shows this connection as active_cancel_req in the target's pool.
    /// </summary>
    private async Task HandleCancelRequestAsync(CancelRequestMessage? request)
    {
        if (request is null)
            return;
        var target = _rt.Cancels.Find(request.ProcessId, request.SecretKey);
        if (target is null)
        {
            if (ForwardCancel(request))
                return;
            Log.Debug("cancel request with an unknown key");
            return;
        }
        if (target.CancelRunningQuery() is not { } sending)
            return;
        _cancelTarget = target;
        try
        {
            await sending;
        }
        finally
        {
            _cancelTarget = null;
        }
    }

    /// <summary>
    /// With workers, a CancelRequest can reach a worker that does not own its key: one accepted from this worker's own
    /// SO_REUSEPORT socket (workers_accept), or one sent inside TLS, which the supervisor cannot read to route. The key
    /// names its worker, so the supervisor passes the request on to that worker. The connection then closes without
    /// waiting for PostgreSQL's answer (the owner cancels on its own).
    /// </summary>
    private bool ForwardCancel(CancelRequestMessage request)
    {
        var worker = request.ProcessId & 0xFF;
        if (_rt.Options.Workers <= 0 || worker == _rt.WorkerId || _rt.CancelElsewhere is not { } forward)
            return false;
        Log.Information("cancel request for worker {Worker}: passed on through the supervisor", worker);
        forward(request.ProcessId, request.SecretKey);
        return true;
    }

    /// <summary>A cancel another worker received for this session (see <see cref="ForwardCancel"/>): cancel the
    /// query it runs now, if any.</summary>
    public void CancelFromElsewhere() => _ = CancelRunningQuery();

    /// <summary>Forward a cancel only while this client's own query runs on its server, never to an idle one; null
    /// when nothing was sent.</summary>
    private Task<Servers.CancelSendStatus>? CancelRunningQuery()
    {
        if (_server is { } server && server.PendingReady > server.SwallowReady)
        {
            Log.Information("cancelling the query running on {Server}", server.Name);
            return server.SendCancelAsync();
        }
        return null;
    }
}
