// epoll system calls. epoll_event is packed (12 bytes) on x64 and naturally aligned (16 bytes) on arm64,
// so events are read from a native buffer with the right stride instead of a C# struct.
using System.Runtime.InteropServices;

namespace Pooler.Io.Interop;

internal static unsafe partial class Epoll
{
    private const string LibC = "libc";

    public const uint EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10,
        EPOLLRDHUP = 0x2000, EPOLLET = 0x80000000, EPOLLONESHOT = 0x40000000;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    public const int EPOLL_CLOEXEC = 0x80000;

    /// <summary>sizeof(struct epoll_event) on this architecture.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    [LibraryImport(LibC, EntryPoint = "epoll_create1", SetLastError = true)] private static partial int epoll_create1_(int flags);
    [LibraryImport(LibC, EntryPoint = "epoll_ctl", SetLastError = true)] private static partial int epoll_ctl_(int epfd, int op, int fd, byte* ev);
    [LibraryImport(LibC, EntryPoint = "epoll_wait", SetLastError = true)] private static partial int epoll_wait_(int epfd, byte* events, int max, int timeout);

    public static PosixResult Create() => Libc.Result(epoll_create1_(EPOLL_CLOEXEC));

    public static PosixResult Control(int epfd, int op, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + DataOffset) = data;
        return Libc.Result(epoll_ctl_(epfd, op, fd, ev));
    }

    /// <summary>A native buffer for epoll_wait results, owned by one loop thread.</summary>
    internal sealed class EventBuffer : IDisposable
    {
        private byte* _events;

        public EventBuffer(int capacity)
        {
            Capacity = capacity;
            _events = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * EventSize));
        }

        public int Capacity { get; }

        /// <summary>Waits for events; EINTR is reported as zero events so the loop re-checks its queue.</summary>
        public PosixResult Wait(int epfd, int timeoutMs)
        {
            int rv = epoll_wait_(epfd, _events, Capacity, timeoutMs);
            return Libc.Interrupted(rv) ? new PosixResult(0) : Libc.Result(rv);
        }

        public uint Events(int i) => *(uint*)(_events + i * EventSize);
        public ulong Data(int i) => *(ulong*)(_events + i * EventSize + DataOffset);

        public void Dispose()
        {
            if (_events == null) return;
            NativeMemory.Free(_events);
            _events = null;
        }
    }
}
