// One message received on an FdChannel: a status, the passed fd (-1 if none) and the payload sent with it.
namespace Pooler.Io;

public enum FdReceiveStatus
{
    Received,
    /// <summary>The peer closed the channel.</summary>
    Closed,
    /// <summary>MSG_CTRUNC or MSG_TRUNC: ancillary data or payload did not fit; any fds that came were closed.</summary>
    Truncated,
    Failed,
    Canceled,
}

public enum FdSendStatus
{
    Sent,
    /// <summary>The peer closed the channel (EPIPE / ECONNRESET).</summary>
    Closed,
    Failed,
    Canceled,
}

public readonly record struct FdMessage(FdReceiveStatus Status, int Fd, ReadOnlyMemory<byte> Payload, int Errno);
