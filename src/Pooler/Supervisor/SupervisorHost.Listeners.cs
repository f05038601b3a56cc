// workers_accept: one SO_REUSEPORT socket per worker and listen address, made and kept by the supervisor, accepted
// from by its worker, and by the supervisor itself (the hand-off path) while that worker is down or starting.
using System.Net;
using Pooler.Config;
using Pooler.Hosting;
using Pooler.Io;
using Pooler.Workers;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    // [worker][address]: the supervisor's own copy of each worker's listening socket. Kept open across the worker's
    // restarts, so connections the kernel queued on it while the worker was gone are not reset.
    private int[][] _workerSockets = [];

    // [worker]: stand-in listeners on duplicates of that worker's sockets, while it cannot accept; null otherwise.
    private List<IoListener>?[] _standIns = [];

    /// <summary>Whether workers accept TCP clients themselves (the portable backend cannot adopt a listening socket).</summary>
    private bool WorkersAccept => _config.Pooler.WorkersAccept && _config.Pooler.EvBackend != EventBackendKind.Portable;

    /// <summary>Loop thread, at start: bind every TCP listen address once per worker (port 0: the first socket's port
    /// for the rest of the group).</summary>
    private void OpenWorkerSockets()
    {
        var options = _config.Pooler;
        var endPoints = PoolerHost.ListenEndPoints(options).Cast<IPEndPoint>().ToList();
        _workerSockets = _workers.Select(_ => Enumerable.Repeat(-1, endPoints.Count).ToArray()).ToArray();
        _standIns = new List<IoListener>?[_workers.Length];
        var defer = options.TcpDeferAccept ? PoolerHost.DeferAcceptSeconds : 0;
        for (var i = 0; i < endPoints.Count; i++)
        {
            var endPoint = endPoints[i];
            foreach (var worker in _workers)
            {
                _workerSockets[worker.Id][i] = IoEngine.OpenReusePortListener(endPoint, 1024, defer, out var bound);
                endPoint = bound;
            }
            _log.Information("listening on {EndPoint}{Deferred}, one SO_REUSEPORT socket per worker (workers_accept)",
                endPoint, defer > 0 ? " (tcp_defer_accept)" : "");
        }
    }

    /// <summary>Loop thread, after (re)starting <paramref name="worker"/>: give it its sockets; until it says it is
    /// ready, the supervisor accepts from them too.</summary>
    private void PassWorkerSockets(WorkerProcess worker)
    {
        if (_workerSockets.Length == 0)
            return;
        StartStandIn(worker.Id);
        foreach (var fd in _workerSockets[worker.Id])
            _ = worker.Link!.SendAsync(WorkerMessage.Listener, default, fd);
    }

    /// <summary>Loop thread: accept from <paramref name="worker"/>'s sockets here (and hand the clients to live workers).</summary>
    private void StartStandIn(int worker)
    {
        if (_workerSockets.Length == 0 || _standIns[worker] is not null || _stopping)
            return;
        var listeners = new List<IoListener>();
        foreach (var fd in _workerSockets[worker])
        {
            var listener = _engine.AdoptListener(IoEngine.DupFd(fd));
            listeners.Add(listener);
            _ = AcceptLoopAsync(listener);
        }
        _standIns[worker] = listeners;
    }

    /// <summary>Loop thread: the worker accepts from its sockets itself now (or the tree stops).</summary>
    private void StopStandIn(int worker)
    {
        if (_standIns.Length == 0 || _standIns[worker] is not { } listeners)
            return;
        _standIns[worker] = null;
        foreach (var listener in listeners)
            listener.Dispose(); // closes the duplicate only; the socket stays open for the worker
    }

    /// <summary>Loop thread, when stopping: no more accepting from any worker socket here; close our copies.</summary>
    private void CloseWorkerSockets()
    {
        for (var w = 0; w < _standIns.Length; w++)
            StopStandIn(w);
        foreach (var fds in _workerSockets)
        {
            foreach (var fd in fds)
            {
                if (fd >= 0)
                    IoEngine.CloseFd(fd);
            }
        }
        _workerSockets = [];
    }

    /// <summary>A worker received a CancelRequest whose key names another worker: pass it on to that one.</summary>
    private void ForwardCancel(ReadOnlyMemory<byte> payload)
    {
        var target = BitConverter.ToInt32(payload.Span) & 0xFF;
        if (target < _workers.Length && _workers[target].Alive)
            _ = _workers[target].Link!.SendAsync(WorkerMessage.Cancel, payload);
    }
}
