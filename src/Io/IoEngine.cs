// One event loop: a dedicated thread that runs I/O completions, posted work, timers and signal handlers.
// The pooler creates one per worker with IoEngine.Create and never branches on the backend afterwards.
using System.Buffers;
using System.IO.Pipelines;
using System.Net;

namespace Pooler.Io;

public abstract partial class IoEngine : IDisposable
{
    private static int s_nextLoopId;

    /// <param name="pinnedSends">The backend hands send memory to the kernel beyond the call (io_uring): send buffers
    /// then draw from a pool of pinned blocks.</param>
    protected IoEngine(IoEngineOptions? options, bool pinnedSends = false)
    {
        Options = options ?? new IoEngineOptions();
        LoopId = Interlocked.Increment(ref s_nextLoopId) - 1;
        Scheduler = new LoopScheduler(this);
        TimeProvider = new LoopTimeProvider(this);
        SynchronizationContext = new LoopSynchronizationContext(this);
        Timers = new TimerQueue();
        if (pinnedSends)
            SendBlocks = new PinnedBlockPool(Options.MinimumSegmentSize, Options.PinnedBlockCapacity);
        ReceivePipeOptions = new PipeOptions(Options.MemoryPool ?? MemoryPool<byte>.Shared, Scheduler, Scheduler, Options.PauseThreshold,
            Options.ResumeThreshold, Options.MinimumSegmentSize, useSynchronizationContext: false);
        SendPipeOptions = ReceivePipeOptions;
    }

    /// <summary>Picks a backend. Auto probes io_uring, then epoll, then portable; an explicit request that the
    /// system refuses throws <see cref="NotSupportedException"/> (a configuration error).</summary>
    public static IoEngine Create(EvBackend requested, IoEngineOptions? options = null) =>
        BackendProbe.Create(requested, options);

    /// <summary>Why this backend was chosen, for the startup log line.</summary>
    public string ChoiceReason { get; internal set; } = "";
    public abstract string BackendName { get; }
    public IoEngineOptions Options { get; }
    public int LoopId { get; }

    /// <summary>Queues work to the loop thread (always queued, even when called on it).</summary>
    public PipeScheduler Scheduler { get; }

    /// <summary>Timers whose callbacks run on the loop thread; the loop sleeps until the nearest armed deadline.</summary>
    public TimeProvider TimeProvider { get; }

    internal SynchronizationContext SynchronizationContext { get; }
    internal TimerQueue Timers { get; }
    internal PipeOptions ReceivePipeOptions { get; }

    /// <summary>Pinned blocks for send buffers (io_uring); null where sends copy at the call (epoll, portable).</summary>
    internal PinnedBlockPool? SendBlocks { get; }
    internal PipeOptions SendPipeOptions { get; }

    /// <summary>Listens on an IPEndPoint or UnixDomainSocketEndPoint (an existing socket file is replaced).</summary>
    public abstract IoListener Listen(EndPoint endPoint, int backlog = 1024);

    /// <summary>Connects with a timeout; the outcome is a value (Refused, TimedOut, ...), never an exception.</summary>
    public abstract ValueTask<ConnectResult> ConnectAsync(EndPoint endPoint, TimeSpan timeout, CancellationToken ct = default);

    /// <summary>Takes ownership of a connected socket fd received from another process, with bytes that process
    /// already read from it (they are delivered first on Input).</summary>
    public abstract IoConnection Adopt(int fd, ReadOnlyMemory<byte> alreadyRead = default);

    /// <summary>Watches fd readiness for the engine's own helpers (channels, pidfds). Loop thread only.</summary>
    internal abstract void Register(Readiness readiness);

    /// <summary>Asks for one notification when the fd becomes readable (In) or writable (Out). Loop thread only.</summary>
    internal abstract void RequestEvents(Readiness readiness, uint events);

    /// <summary>Stops watching; no OnEvents after this. The caller then closes or hands out the fd. Loop thread only.</summary>
    internal abstract void Unregister(Readiness readiness);

    internal void ReportError(Exception ex)
    {
        if (Options.OnUnhandledException is { } handler) handler(ex);
        else Console.Error.WriteLine($"io-loop-{LoopId}: unhandled exception in loop work: {ex}");
    }

    internal void ThrowIfNotOnLoop(string operation)
    {
        if (!IsOnLoopThread) throw new InvalidOperationException($"{operation} must run on the loop thread (io-loop-{LoopId}).");
    }
}
