// Why a connection stopped, recorded once (the first cause wins). Numbered by area, like Pipelines.Sockets.
namespace Pooler.Io;

public enum ShutdownKind
{
    None = 0,

    // 1x: ended by our side
    Aborted = 10,          // IoConnection.Abort
    Disposed = 11,         // DisposeAsync, or both pipe ends completed by the application
    Detached = 12,         // DetachFd: the fd was handed out, not closed
    EngineStopped = 13,    // the engine was disposed while the connection was open

    // 2x: ended by the peer, seen while reading
    ReadEndOfStream = 20,  // orderly EOF (the peer closed or half-closed)
    ReadReset = 21,        // ECONNRESET
    ReadError = 22,        // any other receive errno

    // 3x: seen while writing
    WriteReset = 30,       // ECONNRESET / EPIPE
    WriteError = 31,

    // 4x: the application completed a pipe end
    InputCompleted = 40,   // the application completed Input before EOF
    OutputCompleted = 41,  // the application completed Output: we sent FIN (half-close)
}
