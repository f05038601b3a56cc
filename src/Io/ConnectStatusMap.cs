// Maps connect errnos and SocketErrors to ConnectStatus, the same way for every backend.
using System.Net.Sockets;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal static class ConnectStatusMap
{
    public static ConnectStatus FromErrno(int errno) => errno switch
    {
        0 => ConnectStatus.Connected,
        // ENOENT: no Unix socket file; EAGAIN: a Unix listener's backlog is full (nobody is accepting).
        Errnos.ECONNREFUSED or Errnos.ENOENT or Errnos.EAGAIN => ConnectStatus.Refused,
        Errnos.ETIMEDOUT => ConnectStatus.TimedOut,
        Errnos.ENETUNREACH or Errnos.EHOSTUNREACH => ConnectStatus.Unreachable,
        Errnos.ECANCELED => ConnectStatus.Canceled,
        _ => ConnectStatus.Failed,
    };

    public static ConnectStatus FromSocketError(SocketError error) => error switch
    {
        SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.TryAgain => ConnectStatus.Refused,
        SocketError.TimedOut => ConnectStatus.TimedOut,
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => ConnectStatus.Unreachable,
        SocketError.OperationAborted => ConnectStatus.Canceled,
        _ => ConnectStatus.Failed,
    };
}
