// A client waiting FIFO for a server; completed by an event (a server freed or logged in), never polled.
namespace Pooler.Pools;

internal sealed class PoolWaiter(DateTimeOffset enqueuedAt)
{
    // Asynchronous continuations: completing a waiter inside Release must not run the client's code re-entrantly;
    // on the loop thread the continuation is queued through the loop's SynchronizationContext.
    private readonly TaskCompletionSource<AcquireResult> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

    public Task<AcquireResult> Task => _tcs.Task;

    /// <summary>The queue entry, so a cancelled wait can leave the queue in O(1).</summary>
    public LinkedListNode<PoolWaiter>? Node { get; set; }

    /// <summary>The caller's cancellation hook; dropped once the wait ends so a long session does not pile them up.</summary>
    public CancellationTokenRegistration Registration { get; set; }

    public void Complete(AcquireResult result)
    {
        if (_tcs.TrySetResult(result))
            Registration.Unregister();
    }
}
