// What a readiness calls directly on events, instead of resuming an awaiting loop: a connection reacts to
// readable/writable in place, so an idle connection parks no async state machine. The io_uring data path also
// delivers received chunks and send completions here.
namespace Pooler.Io;

internal interface IReadinessHandler
{
    /// <summary>True while the handler wants to hear about readability (io_uring re-arms its poll or receive for it).</summary>
    bool WantsRead { get; }

    /// <summary>True while unsent bytes wait for the socket to become writable.</summary>
    bool WantsWrite { get; }

    void OnReadable();
    void OnWritable();

    /// <summary>A chunk the engine received for us (completion-based receive); the span is valid during the call only.</summary>
    void OnReceived(ReadOnlySpan<byte> data);

    /// <summary>The completion-based receive ended for good: 0 = EOF, otherwise -errno.</summary>
    void OnReceiveEnded(int result);

    /// <summary>A send the engine submitted completed: bytes sent or -errno. Also called after the connection
    /// closed, so that the memory the send pinned is released only once the kernel is done with it.</summary>
    void OnSent(int result);
}
