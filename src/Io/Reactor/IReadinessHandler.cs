// What a readiness calls directly on events, instead of resuming an awaiting loop: a connection reacts to
// readable/writable in place, so an idle connection parks no async state machine.
namespace Pooler.Io;

internal interface IReadinessHandler
{
    /// <summary>True while the handler wants to hear about readability (io_uring re-arms its poll for it).</summary>
    bool WantsRead { get; }

    /// <summary>True while unsent bytes wait for the socket to become writable.</summary>
    bool WantsWrite { get; }

    void OnReadable();
    void OnWritable();
}
