// Outcome of one attempt to read a frame from the bytes received so far.
namespace Pooler.Protocol;

/// <summary>Result of <see cref="FrameReader.TryRead"/> and <see cref="StartupFrameReader.TryRead"/>.</summary>
public enum FrameReadStatus
{
    /// <summary>Not enough bytes yet; nothing was consumed. Advance the pipe with examined = end and read again.</summary>
    NeedMoreData,
    /// <summary>A whole frame was read and the buffer advanced past it.</summary>
    Frame,
    /// <summary>The bytes break the protocol; the connection must end (see the error value).</summary>
    Error,
}
