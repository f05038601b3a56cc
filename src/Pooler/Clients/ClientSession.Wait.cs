// Waiting FIFO for a server while still reading the client, so a client that leaves the queue is noticed at once.
using System.IO.Pipelines;
using Pooler.Pools;
using Pooler.Servers;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    private CancellationTokenSource? _waitCancel;

    /// <summary>Cancelled only when the client goes away while queued; one per session, made on first use.</summary>
    private CancellationToken WaitToken => (_waitCancel ??= new CancellationTokenSource()).Token;

    /// <summary>
    /// Wait for <paramref name="acquire"/> with a second read pending on the client pipe, whose unread bytes start at
    /// the message that needs the server. If the client closes (EOF or reset) or the session is told to end first,
    /// the wait is cancelled: the client leaves the queue and never takes a server, so its query never runs. On
    /// success the server is linked and the returned read holds the client's bytes again, from that message on.
    /// </summary>
    private async ValueTask<(SessionEnd? End, ReadResult Read)> WaitForServerAsync(ValueTask<AcquireResult> acquire)
    {
        // Queued clients are under query_wait_timeout only; the idle/query clock starts again once a server is linked.
        _waitingForServer = true;
        ArmClientTimeouts();
        try
        {
            return await WaitQueuedAsync(acquire);
        }
        finally
        {
            _waitingForServer = false;
        }
    }

    private async ValueTask<(SessionEnd? End, ReadResult Read)> WaitQueuedAsync(ValueTask<AcquireResult> acquire)
    {
        if (_rt.Log.IsEnabled(Serilog.Events.LogEventLevel.Debug))
            Log.Debug("waiting for a server ({Waiting} queued)", _route!.Pool.WaitingCount);
        var acquireTask = acquire.AsTask();
        var readTask = Input.ReadAsync().AsTask();
        while (true)
        {
            await Task.WhenAny(acquireTask, readTask);
            if (!acquireTask.IsCompleted)
            {
                ReadResult read;
                try
                {
                    read = await readTask;
                }
                catch (Exception ex)
                {
                    LeaveQueue(acquireTask);
                    Log.Information("client connection failed while waiting for a server; left the queue: {Reason}", ex.Message);
                    return (SessionEnd.ClientClosed, default);
                }
                Input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                if (_requestedEnd is { } requested)
                {
                    LeaveQueue(acquireTask);
                    return (requested, default);
                }
                if (read.IsCompleted)
                {
                    LeaveQueue(acquireTask);
                    Log.Information("client disconnected while waiting for a server; left the queue");
                    return (SessionEnd.ClientClosed, default);
                }
                // More pipelined bytes (a Sync after Bind/Execute): keep them unread and go on watching.
                readTask = Input.ReadAsync().AsTask();
                continue;
            }

            // The pool answered: stop the watch and take the client's bytes back.
            if (!readTask.IsCompleted)
                Input.CancelPendingRead();
            ReadResult back;
            try
            {
                back = await readTask;
            }
            catch (Exception ex)
            {
                GiveBack(acquireTask.Result);
                Log.Information("client connection failed while waiting for a server: {Reason}", ex.Message);
                return (SessionEnd.ClientClosed, default);
            }
            if (back.IsCompleted && _requestedEnd is null)
            {
                Input.AdvanceTo(back.Buffer.Start, back.Buffer.End);
                GiveBack(acquireTask.Result);
                Log.Information("client disconnected while waiting for a server; the server goes back unused");
                return (SessionEnd.ClientClosed, default);
            }
            if (TakeServer(acquireTask.Result) is { } end)
            {
                Input.AdvanceTo(back.Buffer.Start, back.Buffer.End);
                return (end, default);
            }
            if (_server is null)
            {
                // The server died before it could be used: queue again, still watching.
                Input.AdvanceTo(back.Buffer.Start, back.Buffer.End);
                acquireTask = _route!.Pool.AcquireAsync(WaitToken).AsTask();
                readTask = Input.ReadAsync().AsTask();
                continue;
            }
            await SyncParametersAsync();
            return (null, back);
        }
    }

    /// <summary>Cancel the pool wait; a server handed over in the same turn goes straight back.</summary>
    private void LeaveQueue(Task<AcquireResult> acquireTask)
    {
        _waitCancel?.Cancel();
        // The pool completes waiters through a post to the loop, so the answer (a cancellation, or a server the
        // pool handed over just before) may still be on its way: give back whatever it turns out to be.
        if (acquireTask.IsCompletedSuccessfully)
            GiveBack(acquireTask.Result);
        else if (!acquireTask.IsCompleted)
            _ = GiveBackWhenAnsweredAsync(acquireTask, _route!.Pool);
    }

    private static async Task GiveBackWhenAnsweredAsync(Task<AcquireResult> acquireTask, Pool pool)
    {
        var result = await acquireTask;
        if (result.Status == AcquireStatus.Acquired && result.Server is ServerConnection server)
            pool.Release(server, reusable: server.IsUsable);
    }

    private void GiveBack(AcquireResult result)
    {
        if (result.Status == AcquireStatus.Acquired && result.Server is ServerConnection server)
            _route!.Pool.Release(server, reusable: server.IsUsable);
    }
}
