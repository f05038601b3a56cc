// A client waiting FIFO for a server; completed by an event (a server freed or logged in), never polled.
namespace Pooler.Pools;

internal sealed class PoolWaiter(DateTimeOffset enqueuedAt)
{
    // Asynchronous continuations: completing a waiter inside Release must not run the client's code re-entrantly;
    // on the loop thread the continuation is queued through the loop's SynchronizationContext.
    private readonly TaskCompletionSource<AcquireResult> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

    public Task<AcquireResult> Task => _tcs.Task;

    public void Complete(AcquireResult result) => _tcs.TrySetResult(result);
}
