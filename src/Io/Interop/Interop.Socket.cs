// Socket system calls on raw fds: create/bind/listen/accept4/connect, gather send, receive, options.
// Addresses travel as .NET SocketAddress buffers, which hold the native sockaddr layout on Linux.
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Pooler.Io.Interop;

internal static unsafe partial class Sockets
{
    private const string LibC = "libc";

    public const int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    public const int SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_REUSEPORT = 15, SO_DOMAIN = 39;
    public const int IPPROTO_TCP = 6, TCP_NODELAY = 1, TCP_DEFER_ACCEPT = 9;
    public const int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    public const int MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000,
        MSG_CMSG_CLOEXEC = 0x40000000;
    public const int SCM_RIGHTS = 1;
    private const int MaxIov = 64;
    [ThreadStatic] private static MemoryHandle[]? t_pins;

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec { public byte* Base; public nuint Len; }

    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public byte* Name; public uint NameLen; public IoVec* Iov; public nuint IovLen;
        public byte* Control; public nuint ControlLen; public int Flags;
    }

    [LibraryImport(LibC, EntryPoint = "socket", SetLastError = true)] private static partial int socket_(int domain, int type, int protocol);
    [LibraryImport(LibC, EntryPoint = "socketpair", SetLastError = true)] private static partial int socketpair_(int domain, int type, int protocol, int* sv);
    [LibraryImport(LibC, EntryPoint = "bind", SetLastError = true)] private static partial int bind_(int fd, byte* addr, uint len);
    [LibraryImport(LibC, EntryPoint = "listen", SetLastError = true)] private static partial int listen_(int fd, int backlog);
    [LibraryImport(LibC, EntryPoint = "accept4", SetLastError = true)] private static partial int accept4_(int fd, byte* addr, uint* len, int flags);
    [LibraryImport(LibC, EntryPoint = "connect", SetLastError = true)] private static partial int connect_(int fd, byte* addr, uint len);
    [LibraryImport(LibC, EntryPoint = "getsockopt", SetLastError = true)] private static partial int getsockopt_(int fd, int level, int name, void* val, uint* len);
    [LibraryImport(LibC, EntryPoint = "setsockopt", SetLastError = true)] private static partial int setsockopt_(int fd, int level, int name, void* val, uint len);
    [LibraryImport(LibC, EntryPoint = "getsockname", SetLastError = true)] private static partial int getsockname_(int fd, byte* addr, uint* len);
    [LibraryImport(LibC, EntryPoint = "getpeername", SetLastError = true)] private static partial int getpeername_(int fd, byte* addr, uint* len);
    [LibraryImport(LibC, EntryPoint = "shutdown", SetLastError = true)] private static partial int shutdown_(int fd, int how);
    [LibraryImport(LibC, EntryPoint = "send", SetLastError = true)] private static partial nint send_(int fd, byte* buf, nuint len, int flags);
    [LibraryImport(LibC, EntryPoint = "recv", SetLastError = true)] private static partial nint recv_(int fd, byte* buf, nuint len, int flags);
    [LibraryImport(LibC, EntryPoint = "sendmsg", SetLastError = true)] private static partial nint sendmsg_(int fd, MsgHdr* msg, int flags);
    [LibraryImport(LibC, EntryPoint = "recvmsg", SetLastError = true)] private static partial nint recvmsg_(int fd, MsgHdr* msg, int flags);

    private static PosixResult R(long rv) => Libc.Result(rv);

    public static int FamilyOf(EndPoint ep) => ep.AddressFamily switch
    {
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        AddressFamily.Unix => AF_UNIX,
        _ => throw new ArgumentException($"Unsupported address family {ep.AddressFamily}", nameof(ep)),
    };

    /// <summary>A non-blocking, close-on-exec stream socket for the endpoint's family.</summary>
    public static PosixResult CreateStream(EndPoint ep) => R(socket_(FamilyOf(ep), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));

    public static PosixResult SocketPair(int type, out int fd0, out int fd1)
    {
        int* sv = stackalloc int[2];
        var r = R(socketpair_(AF_UNIX, type | SOCK_CLOEXEC, 0, sv));
        fd0 = sv[0];
        fd1 = sv[1];
        return r;
    }

    public static PosixResult Bind(int fd, EndPoint ep)
    {
        var sa = ep.Serialize();
        fixed (byte* p = sa.Buffer.Span) return R(bind_(fd, p, (uint)sa.Size));
    }

    public static PosixResult Listen(int fd, int backlog) => R(listen_(fd, backlog));

    /// <summary>accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC; EAGAIN when the queue is empty.</summary>
    public static PosixResult Accept(int fd)
    {
        int rv;
        do rv = accept4_(fd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC); while (Libc.Interrupted(rv));
        return R(rv);
    }

    /// <summary>Starts a connect; EINPROGRESS means "wait for writability, then read SO_ERROR".</summary>
    public static PosixResult Connect(int fd, EndPoint ep)
    {
        var sa = ep.Serialize();
        fixed (byte* p = sa.Buffer.Span)
        {
            // EINTR on a connect means it continues asynchronously: report it like EINPROGRESS.
            var r = R(connect_(fd, p, (uint)sa.Size));
            return r.Errno == Errnos.EINTR ? new PosixResult(-Errnos.EINPROGRESS) : r;
        }
    }

    public static PosixResult GetIntOption(int fd, int level, int name, out int value)
    {
        int v = 0;
        uint len = sizeof(int);
        var r = R(getsockopt_(fd, level, name, &v, &len));
        value = v;
        return r;
    }

    public static PosixResult SetIntOption(int fd, int level, int name, int value) =>
        R(setsockopt_(fd, level, name, &value, sizeof(int)));

    /// <summary>The pending socket error (SO_ERROR) as an errno, 0 when the connect succeeded.</summary>
    public static int PendingError(int fd) =>
        GetIntOption(fd, SOL_SOCKET, SO_ERROR, out int v) is { IsSuccess: false } r ? r.Errno : v;

    public static EndPoint? LocalEndPoint(int fd, EndPoint template) => Name(fd, template, peer: false);
    public static EndPoint? RemoteEndPoint(int fd, EndPoint template) => Name(fd, template, peer: true);

    private static EndPoint? Name(int fd, EndPoint template, bool peer)
    {
        var sa = new SocketAddress(template.AddressFamily, 128);
        uint len = (uint)sa.Size;
        int rv;
        fixed (byte* p = sa.Buffer.Span) rv = peer ? getpeername_(fd, p, &len) : getsockname_(fd, p, &len);
        if (rv != 0) return null;
        sa.Size = (int)len;
        try { return template.Create(sa); }
        catch (ArgumentException) { return null; } // an unnamed Unix socket has no path to show
    }

    public static PosixResult Shutdown(int fd, int how) => R(shutdown_(fd, how));

    public static PosixResult Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint rv;
            do rv = recv_(fd, p, (nuint)buffer.Length, 0); while (Libc.Interrupted(rv));
            return R(rv);
        }
    }

    public static PosixResult Send(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint rv;
            do rv = send_(fd, p, (nuint)buffer.Length, MSG_NOSIGNAL); while (Libc.Interrupted(rv));
            return R(rv);
        }
    }

    /// <summary>Sends as much of the sequence as the socket takes in one sendmsg (up to 64 segments).</summary>
    public static PosixResult Send(int fd, in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment) return Send(fd, buffer.FirstSpan);
        IoVec* iov = stackalloc IoVec[MaxIov];
        // Multi-segment path: pool memory is not pinned, so each segment is pinned for the call. The handle array
        // is per thread (each loop thread sends on its own), so a gather send allocates nothing.
        var pins = t_pins ??= new MemoryHandle[MaxIov];
        int count = 0;
        try
        {
            foreach (var segment in buffer)
            {
                if (segment.IsEmpty) continue;
                pins[count] = segment.Pin();
                iov[count].Base = (byte*)pins[count].Pointer;
                iov[count].Len = (nuint)segment.Length;
                if (++count == MaxIov) break;
            }
            var msg = new MsgHdr { Iov = iov, IovLen = (nuint)count };
            nint rv;
            do rv = sendmsg_(fd, &msg, MSG_NOSIGNAL); while (Libc.Interrupted(rv));
            return R(rv);
        }
        finally
        {
            for (int i = 0; i < count; i++) pins[i].Dispose();
        }
    }

    /// <summary>Sends one fd (SCM_RIGHTS) with a payload in a single message.</summary>
    public static PosixResult SendWithFd(int socketFd, int fdToSend, ReadOnlySpan<byte> payload)
    {
        byte one = 0;
        byte* control = stackalloc byte[24]; // CMSG_SPACE(sizeof(int)) on 64-bit
        new Span<byte>(control, 24).Clear();
        *(nuint*)control = 20;                // cmsg_len = CMSG_LEN(sizeof(int))
        *(int*)(control + 8) = SOL_SOCKET;    // cmsg_level
        *(int*)(control + 12) = SCM_RIGHTS;   // cmsg_type
        *(int*)(control + 16) = fdToSend;     // the data: one fd
        fixed (byte* p = payload)
        {
            // A zero-byte payload would carry no ancillary data on a stream socket: send one filler byte.
            var iov = new IoVec { Base = payload.IsEmpty ? &one : p, Len = payload.IsEmpty ? 1 : (nuint)payload.Length };
            // fdToSend < 0: a message without an fd (control messages on the same channel).
            var msg = fdToSend < 0
                ? new MsgHdr { Iov = &iov, IovLen = 1 }
                : new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = 24 };
            nint rv;
            do rv = sendmsg_(socketFd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT); while (Libc.Interrupted(rv));
            return R(rv);
        }
    }

    /// <summary>
    /// Receives one message and at most one fd (MSG_CMSG_CLOEXEC). <paramref name="fd"/> is -1 when none came;
    /// <paramref name="truncated"/> reports MSG_CTRUNC/MSG_TRUNC (any fds that did arrive are closed here).
    /// </summary>
    public static PosixResult ReceiveWithFd(int socketFd, Span<byte> payload, out int fd, out bool truncated)
    {
        fd = -1;
        truncated = false;
        const int ControlSize = 64; // room for a few fds so that an over-sent message is detected, not lost
        byte* control = stackalloc byte[ControlSize];
        new Span<byte>(control, ControlSize).Clear();
        fixed (byte* p = payload)
        {
            var iov = new IoVec { Base = p, Len = (nuint)payload.Length };
            var msg = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = ControlSize };
            nint rv;
            do rv = recvmsg_(socketFd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT); while (Libc.Interrupted(rv));
            if (rv < 0) return R(rv);
            truncated = (msg.Flags & (MSG_CTRUNC | MSG_TRUNC)) != 0;
            for (byte* c = control; c + 16 <= control + msg.ControlLen;)
            {
                nuint len = *(nuint*)c;
                if (len < 16) break;
                if (*(int*)(c + 8) == SOL_SOCKET && *(int*)(c + 12) == SCM_RIGHTS)
                {
                    int n = (int)(len - 16) / sizeof(int);
                    for (int i = 0; i < n; i++)
                    {
                        int received = *(int*)(c + 16 + i * sizeof(int));
                        if (fd < 0 && !truncated) fd = received;
                        else Libc.Close(received); // extra fds would leak otherwise
                    }
                }
                c += (len + 7) & ~(nuint)7;
            }
            return R(rv);
        }
    }
}
