// Tunables of an engine, each with its default and the reason for it.
using System.Buffers;

namespace Pooler.Io;

public sealed record IoEngineOptions
{
    /// <summary>
    /// Receive-side bytes buffered per connection before we stop reading the socket (default 64 KiB). Untrusted
    /// clients must not make us buffer without bound (10,000 clients × 64 KiB = 640 MiB worst case), while 64 KiB
    /// still covers a typical burst of DataRows and lets the kernel's socket buffer carry the rest.
    /// </summary>
    public long PauseThreshold { get; init; } = 64 * 1024;

    /// <summary>Reading resumes once buffered bytes fall to this (default 32 KiB, half the pause mark) so that a
    /// slow reader does not flip the socket between paused and running on every segment.</summary>
    public long ResumeThreshold { get; init; } = 32 * 1024;

    /// <summary>Smallest pipe segment (default 8 KiB): one receive per readiness event for typical query traffic,
    /// small enough that a few thousand active connections stay cheap.</summary>
    public int MinimumSegmentSize { get; init; } = 8 * 1024;

    /// <summary>Receive segment memory (default null: the shared array pool; segments exist only while data is
    /// buffered). Send buffers take arrays from the shared array pool too, except on io_uring, where each loop keeps
    /// pinned <see cref="MinimumSegmentSize"/> blocks so that pinning a send's memory costs nothing.</summary>
    public MemoryPool<byte>? MemoryPool { get; init; }

    /// <summary>io_uring: free pinned send blocks a loop keeps for reuse (default 256, i.e. 2 MiB at 8 KiB): enough
    /// for a few hundred busy connections at once; beyond that, returned blocks become garbage.</summary>
    public int PinnedBlockCapacity { get; init; } = 256;

    /// <summary>Set TCP_NODELAY on TCP connections (default on: a pooler forwards small request/response frames).</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>io_uring submission queue entries (default 1024; the completion queue gets 4× as many).</summary>
    public int RingEntries { get; init; } = 1024;

    /// <summary>io_uring: buffers in the loop's provided-buffer ring that TCP receives draw from (default 256,
    /// rounded up to a power of two). A buffer is held only from the kernel's receive until the loop has copied it
    /// into the connection's pipe (the same loop turn), so this bounds a burst of completions, not connections;
    /// running out only makes a receive re-arm.</summary>
    public int ReceiveBufferCount { get; init; } = 256;

    /// <summary>io_uring: size of each provided receive buffer (default 8 KiB, one pipe segment): the most one
    /// receive completion carries. 256 × 8 KiB = 2 MiB of native memory per loop.</summary>
    public int ReceiveBufferSize { get; init; } = 8 * 1024;

    /// <summary>
    /// Called on the loop thread when work posted to it throws (a bug: expected outcomes are values). The loop
    /// keeps running. Default: write to stderr.
    /// </summary>
    public Action<Exception>? OnUnhandledException { get; init; }
}
