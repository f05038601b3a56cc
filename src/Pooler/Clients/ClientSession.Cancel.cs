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
            if (ForwardTlsCancel(request))
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
