// CancelRequest: find the session by the pooler-issued key and cancel its query on the server running it.
using Pooler.Protocol;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    private void HandleCancelRequest(CancelRequestMessage? request)
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
        target.CancelRunningQuery();
    }

    /// <summary>Forward a cancel only while this client's own query runs on its server, never to an idle one.</summary>
    private void CancelRunningQuery()
    {
        if (_server is { } server && server.PendingReady > server.SwallowReady)
        {
            Log.Information("cancelling the query running on {Server}", server.Name);
            server.SendCancel();
        }
    }
}
