// libc entry points shared by every engine: close/read/write, eventfd, pipes, poll, process ids, syscall().
// Every wrapper retries EINTR and returns a PosixResult instead of throwing.
using System.Runtime.InteropServices;

namespace Pooler.Io.Interop;

internal static unsafe partial class Libc
{
    private const string LibC = "libc";

    public const int O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK;
    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLRDHUP = 0x2000;
    public const int F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
    public const int RLIMIT_NOFILE = 7;

    // syscall numbers are the same on x64 and arm64 for these (the generic table starts at 424+).
    public const long SYS_pidfd_open = 434, SYS_io_uring_setup = 425, SYS_io_uring_enter = 426, SYS_io_uring_register = 427;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short REvents; }

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit { public ulong Cur; public ulong Max; }

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)] private static partial int close_(int fd);
    [LibraryImport(LibC, EntryPoint = "read", SetLastError = true)] private static partial nint read_(int fd, byte* buf, nuint count);
    [LibraryImport(LibC, EntryPoint = "write", SetLastError = true)] private static partial nint write_(int fd, byte* buf, nuint count);
    [LibraryImport(LibC, EntryPoint = "eventfd", SetLastError = true)] private static partial int eventfd_(uint initval, int flags);
    [LibraryImport(LibC, EntryPoint = "pipe2", SetLastError = true)] private static partial int pipe2_(int* fds, int flags);
    [LibraryImport(LibC, EntryPoint = "poll", SetLastError = true)] private static partial int poll_(PollFd* fds, nuint n, int timeout);
    [LibraryImport(LibC, EntryPoint = "getppid")] private static partial int getppid_();
    [LibraryImport(LibC, EntryPoint = "getpid")] private static partial int getpid_();
    [LibraryImport(LibC, EntryPoint = "fcntl", SetLastError = true)] private static partial int fcntl_(int fd, int cmd, int arg);
    [LibraryImport(LibC, EntryPoint = "kill", SetLastError = true)] private static partial int kill_(int pid, int sig);
    [LibraryImport(LibC, EntryPoint = "getrlimit", SetLastError = true)] private static partial int getrlimit_(int res, RLimit* lim);
    [LibraryImport(LibC, EntryPoint = "setrlimit", SetLastError = true)] private static partial int setrlimit_(int res, RLimit* lim);
    [LibraryImport(LibC, EntryPoint = "syscall", SetLastError = true)] internal static partial long syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

    internal static PosixResult Result(long rv) => rv >= 0 ? new PosixResult(rv) : new PosixResult(-Marshal.GetLastPInvokeError());
    internal static bool Interrupted(long rv) => rv < 0 && Marshal.GetLastPInvokeError() == Errnos.EINTR;

    /// <summary>close(2) is never retried on EINTR: on Linux the fd is gone either way.</summary>
    public static PosixResult Close(int fd) => Result(close_(fd));

    public static PosixResult Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint rv;
            do rv = read_(fd, p, (nuint)buffer.Length); while (Interrupted(rv));
            return Result(rv);
        }
    }

    public static PosixResult Write(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint rv;
            do rv = write_(fd, p, (nuint)buffer.Length); while (Interrupted(rv));
            return Result(rv);
        }
    }

    public static PosixResult EventFd(int flags = EFD_CLOEXEC | EFD_NONBLOCK) => Result(eventfd_(0, flags));

    /// <summary>Adds one to an eventfd counter (the cross-thread wake-up).</summary>
    public static PosixResult EventFdWrite(int fd)
    {
        ulong one = 1;
        return Write(fd, new ReadOnlySpan<byte>(&one, 8));
    }

    /// <summary>Resets an eventfd counter; EAGAIN means it was already zero.</summary>
    public static PosixResult EventFdRead(int fd)
    {
        ulong value;
        return Read(fd, new Span<byte>(&value, 8));
    }

    public static PosixResult Pipe(out int readFd, out int writeFd, int flags = O_CLOEXEC)
    {
        int* fds = stackalloc int[2];
        var r = Result(pipe2_(fds, flags));
        readFd = fds[0];
        writeFd = fds[1];
        return r;
    }

    public static PosixResult Poll(Span<PollFd> fds, int timeoutMs)
    {
        fixed (PollFd* p = fds)
        {
            int rv;
            do rv = poll_(p, (nuint)fds.Length, timeoutMs); while (Interrupted(rv));
            return Result(rv);
        }
    }

    public static int GetParentPid() => getppid_();
    public static int GetPid() => getpid_();

    public static PosixResult PidfdOpen(int pid) => Result(syscall6(SYS_pidfd_open, pid, 0, 0, 0, 0, 0));

    public static PosixResult SetNonBlocking(int fd, bool nonBlocking)
    {
        int flags = fcntl_(fd, F_GETFL, 0);
        if (flags < 0) return Result(flags);
        int wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        return wanted == flags ? new PosixResult(0) : Result(fcntl_(fd, F_SETFL, wanted));
    }

    /// <summary>Sets or clears FD_CLOEXEC (cleared only to let a child process inherit the fd).</summary>
    public static PosixResult SetCloseOnExec(int fd, bool closeOnExec) => Result(fcntl_(fd, F_SETFD, closeOnExec ? 1 : 0));

    public static PosixResult DupCloexec(int fd) => Result(fcntl_(fd, F_DUPFD_CLOEXEC, 0));

    public static PosixResult Kill(int pid, int signo) => Result(kill_(pid, signo));

    /// <summary>Raises the soft open-file limit up to the hard limit; returns the new soft limit.</summary>
    public static long RaiseFileLimit(ulong wanted)
    {
        RLimit lim;
        if (getrlimit_(RLIMIT_NOFILE, &lim) != 0) return -1;
        if (lim.Cur >= wanted) return (long)lim.Cur;
        lim.Cur = Math.Min(wanted, lim.Max);
        return setrlimit_(RLIMIT_NOFILE, &lim) == 0 ? (long)lim.Cur : -1;
    }
}
