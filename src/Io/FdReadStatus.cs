// The outcome of one read on a bare fd (IoEngine.TryReceive): expected outcomes are values, not exceptions.
namespace Pooler.Io;

public enum FdReadStatus
{
    /// <summary>Bytes were read (the count says how many).</summary>
    Read,
    /// <summary>Nothing is buffered yet; wait for readiness (or hand the fd to an engine that does).</summary>
    WouldBlock,
    /// <summary>The peer closed or reset the connection.</summary>
    Closed,
    Failed,
}
