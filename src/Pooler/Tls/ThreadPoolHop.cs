// An awaitable that always continues on the thread pool, whatever the current synchronisation context is.
using System.Runtime.CompilerServices;

namespace Pooler.Tls;

/// <summary>Task.Yield would post back to the loop's SynchronizationContext; this never does.</summary>
internal readonly struct ThreadPoolHop : ICriticalNotifyCompletion
{
    public static ThreadPoolHop Instance => default;

    public ThreadPoolHop GetAwaiter() => this;

    /// <summary>Already on a pool thread: nothing to do.</summary>
    public bool IsCompleted => Thread.CurrentThread.IsThreadPoolThread;

    public void GetResult() { }

    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
