// The loop thread: drains the MPSC work queue, fires due timers, then lets the backend wait for I/O until the
// nearest deadline. Other threads post work and wake the loop once (eventfd or the backend's equivalent).
using System.Collections.Concurrent;

namespace Pooler.Io;

public abstract partial class IoEngine
{
    [ThreadStatic] private static IoEngine? t_current;

    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private readonly ManualResetEventSlim _started = new();
    private Thread? _thread;
    private int _wakePending;
    private readonly object _wakeGate = new();
    private bool _wakeClosed;
    private volatile bool _stopping;
    private int _disposed;
    private Exception? _startError;

    private readonly record struct WorkItem(object Callback, object? State);

    public bool IsOnLoopThread => t_current == this;

    /// <summary>True once Dispose began: resources created from now on are closed at once.</summary>
    protected bool IsStopping => _stopping;

    /// <summary>Starts the loop thread ("io-loop-N"). Work posted before Start runs once it starts.</summary>
    public void Start()
    {
        if (_thread is not null) throw new InvalidOperationException("The engine is already started.");
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _thread = new Thread(RunLoop) { Name = $"io-loop-{LoopId}", IsBackground = true };
        _thread.Start();
        _started.Wait();
        if (_startError is { } error)
        {
            _thread.Join();
            throw new IOException($"io-loop-{LoopId} ({BackendName}) failed to start: {error.Message}", error);
        }
    }

    public void Post(Action<object?> work, object? state) => Enqueue(new WorkItem(work, state));

    internal void PostCallback(SendOrPostCallback work, object? state) => Enqueue(new WorkItem(work, state));

    private void Enqueue(WorkItem item)
    {
        _queue.Enqueue(item);
        // The loop drains its queue before every wait, so only other threads need to wake it, and only once
        // until the loop has acknowledged the previous wake-up.
        if (t_current != this && Interlocked.Exchange(ref _wakePending, 1) == 0) WakeIfOpen();
    }

    // The backend wakes the loop by writing to an fd (eventfd) that OnLoopStopped closes. A post from another
    // thread after that must not write to the number: another socket may own it by then, and would receive the
    // eight bytes 01 00 00 00 00 00 00 00 as data (seen as cross-talk between connections of parallel tests).
    private void WakeIfOpen()
    {
        lock (_wakeGate)
        {
            if (!_wakeClosed) Wake();
        }
    }

    private void StopWaking()
    {
        lock (_wakeGate) _wakeClosed = true;
    }

    /// <summary>Backends call this when they consume the wake-up signal, before the queue is drained.</summary>
    protected void AcknowledgeWake() => Volatile.Write(ref _wakePending, 0);

    /// <summary>Runs an async function on the loop thread and returns its task (completed off the loop).</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> func)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(async _ =>
        {
            try { tcs.TrySetResult(await func()); }
            catch (Exception ex) { tcs.TrySetException(ex); }
        }, null);
        return tcs.Task;
    }

    public Task RunAsync(Func<Task> func) => RunAsync(async () => { await func(); return true; });

    /// <summary>Runs a function on the loop thread (inline when already there).</summary>
    public Task<T> Invoke<T>(Func<T> func)
    {
        if (IsOnLoopThread) return Task.FromResult(func());
        return RunAsync(() => Task.FromResult(func()));
    }

    private void RunLoop()
    {
        t_current = this;
        SynchronizationContext.SetSynchronizationContext(SynchronizationContext);
        try
        {
            OnLoopStarting();
        }
        catch (Exception ex)
        {
            _startError = ex;
            _stopping = true;
            _started.Set();
            return;
        }
        _started.Set();
        var onError = (Action<Exception>)ReportError;
        while (!_stopping)
        {
            RunQueue();
            int timeout = Timers.RunDue(onError);
            if (!_queue.IsEmpty || _stopping) timeout = 0;
            try { WaitForEvents(timeout); }
            catch (Exception ex) { ReportError(ex); }
        }
        try
        {
            ShutdownResources();
            RunQueue(); // let completions posted by the shutdown run (pipe continuations, Abort callbacks)
        }
        catch (Exception ex) { ReportError(ex); }
        finally
        {
            Timers.Clear();
            StopWaking();
            OnLoopStopped();
        }
    }

    /// <summary>Work items a turn may run beyond those queued when it began (see <see cref="RunQueue"/>).</summary>
    internal const int ChainBudget = 256;

    private void RunQueue()
    {
        // Work posted while draining runs in the same turn: a continuation chain (a server freed → the waiting
        // client's session resumes → its pipe read is cancelled → its query goes out) otherwise costs one loop turn,
        // one io_uring_enter and the latency of everything else in that turn, per hop. Bounded so that work
        // re-posting itself cannot starve I/O.
        int budget = 2 * _queue.Count + ChainBudget;
        while (budget-- > 0 && _queue.TryDequeue(out var item))
        {
            try
            {
                if (item.Callback is Action<object?> action) action(item.State);
                else ((SendOrPostCallback)item.Callback)(item.State);
            }
            catch (Exception ex) { ReportError(ex); }
        }
    }

    /// <summary>On the loop thread before the first iteration (io_uring creates its single-issuer ring here).</summary>
    protected virtual void OnLoopStarting() { }

    /// <summary>Waits for I/O up to <paramref name="timeoutMs"/> (-1 = no deadline) and dispatches it.</summary>
    protected abstract void WaitForEvents(int timeoutMs);

    /// <summary>Interrupts WaitForEvents from another thread.</summary>
    protected abstract void Wake();

    /// <summary>On the loop thread while stopping: close every connection, listener and watch.</summary>
    protected abstract void ShutdownResources();

    /// <summary>On the loop thread after the last iteration: release the backend's own fds.</summary>
    protected virtual void OnLoopStopped() { }

    /// <summary>Stops the loop and closes everything it owns. Safe to call from any thread, including the loop.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping = true;
        DisposeSignalHandlers();
        if (_thread is null)
        {
            ShutdownResources();
            StopWaking();
            OnLoopStopped();
        }
        else if (t_current != this)
        {
            WakeIfOpen();
            _thread.Join();
        }
        GC.SuppressFinalize(this);
    }
}
