// io_uring on raw system calls (no liburing): setup, the mmapped rings, SQE preparation and CQE reaping.
// One Ring belongs to one loop thread (SINGLE_ISSUER). Ring indices use acquire/release ordering; SQEs are
// zeroed before every reuse.
using System.Runtime.InteropServices;

namespace Pooler.Io.Interop;

internal static unsafe partial class IoUring
{
    private const string LibC = "libc";

    public const uint IORING_SETUP_CQSIZE = 1u << 3, IORING_SETUP_SUBMIT_ALL = 1u << 7,
        IORING_SETUP_SINGLE_ISSUER = 1u << 12, IORING_SETUP_DEFER_TASKRUN = 1u << 13;
    public const uint IORING_FEAT_SINGLE_MMAP = 1u << 0, IORING_FEAT_NODROP = 1u << 1, IORING_FEAT_EXT_ARG = 1u << 8;
    public const uint IORING_ENTER_GETEVENTS = 1u << 0, IORING_ENTER_EXT_ARG = 1u << 3, IORING_ENTER_REGISTERED_RING = 1u << 4;
    public const uint IORING_REGISTER_RING_FDS = 20, IORING_REGISTER_PBUF_RING = 22;
    public const uint IORING_SQ_CQ_OVERFLOW = 1u << 1;
    public const byte IORING_OP_POLL_ADD = 6, IORING_OP_ASYNC_CANCEL = 14;
    private const long IORING_OFF_SQ_RING = 0, IORING_OFF_CQ_RING = 0x8000000, IORING_OFF_SQES = 0x10000000;
    private const int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_POPULATE = 0x8000;
    private static readonly void* MapFailed = (void*)-1;

    [StructLayout(LayoutKind.Sequential)]
    private struct SqOffsets { public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Resv1; public ulong UserAddr; }

    [StructLayout(LayoutKind.Sequential)]
    private struct CqOffsets { public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Resv1; public ulong UserAddr; }

    [StructLayout(LayoutKind.Sequential)]
    private struct Params
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd, Resv0, Resv1, Resv2;
        public SqOffsets SqOff;
        public CqOffsets CqOff;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct GetEventsArg { public ulong SigMask; public uint SigMaskSize; public uint MinWaitUsec; public ulong Ts; }

    [StructLayout(LayoutKind.Sequential)]
    private struct RsrcUpdate { public uint Offset; public uint Resv; public ulong Data; }

    [StructLayout(LayoutKind.Sequential)]
    private struct KernelTimespec { public long Sec; public long Nsec; }

    [LibraryImport(LibC, EntryPoint = "mmap", SetLastError = true)] private static partial void* mmap_(void* addr, nuint len, int prot, int flags, int fd, long off);
    [LibraryImport(LibC, EntryPoint = "munmap", SetLastError = true)] private static partial int munmap_(void* addr, nuint len);

    /// <summary>Creates a ring with the given flags (probe or real use); returns the ring fd or -errno.</summary>
    private static PosixResult Setup(uint entries, uint flags, uint cqEntries, out Params p)
    {
        Params prm = default;
        prm.Flags = flags;
        prm.CqEntries = cqEntries;
        long rv = Libc.syscall6(Libc.SYS_io_uring_setup, entries, (long)&prm, 0, 0, 0, 0);
        p = prm;
        return Libc.Result(rv);
    }

    public const uint LoopFlags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE;

    /// <summary>Whether this kernel lets us create the ring the loop needs; the reason otherwise.</summary>
    public static bool Probe(out string reason)
    {
        var r = Setup(8, LoopFlags, 32, out var p);
        if (!r.IsSuccess)
        {
            string disabled = File.Exists("/proc/sys/kernel/io_uring_disabled")
                ? $", kernel.io_uring_disabled={File.ReadAllText("/proc/sys/kernel/io_uring_disabled").Trim()}" : "";
            reason = $"io_uring_setup(SINGLE_ISSUER|DEFER_TASKRUN) failed: {r}{disabled} (seccomp or sysctl may block io_uring)";
            return false;
        }
        Libc.Close(r.IntValue);
        const uint needed = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_EXT_ARG;
        if ((p.Features & needed) != needed)
        {
            reason = $"io_uring lacks needed features (have 0x{p.Features:x})";
            return false;
        }
        reason = "io_uring available (SINGLE_ISSUER, DEFER_TASKRUN, EXT_ARG)";
        return true;
    }

    internal readonly record struct Completion(ulong UserData, int Result, uint Flags);

    /// <summary>A mapped ring. Not thread-safe: created and used by its loop thread only.</summary>
    internal sealed partial class Ring : IDisposable
    {
        private readonly int _fd;
        private readonly byte* _ringPtr;
        private readonly nuint _ringSize;
        private readonly byte* _sqes;
        private readonly nuint _sqesSize;
        private readonly uint* _sqHead, _sqTail, _sqFlags, _cqHead, _cqTail;
        private readonly uint _sqMask, _sqEntries, _cqMask;
        private readonly byte* _cqes;
        private readonly int _enterFd;  // the registered ring index when IORING_REGISTER_RING_FDS worked, else _fd
        private readonly uint _enterFlags;
        private uint _localTail;      // SQEs prepared
        private uint _submitted;      // SQEs handed to the kernel
        private bool _disposed;

        public Ring(uint entries, uint cqEntries)
        {
            var r = Setup(entries, LoopFlags, cqEntries, out var p);
            r.ThrowOnError("io_uring_setup");
            _fd = r.IntValue;
            nuint sqSize = p.SqOff.Array + p.SqEntries * sizeof(uint);
            nuint cqSize = p.CqOff.Cqes + p.CqEntries * 16u;
            _ringSize = Math.Max(sqSize, cqSize); // IORING_FEAT_SINGLE_MMAP (checked by Probe): one mapping
            _ringPtr = (byte*)mmap_(null, _ringSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, _fd, IORING_OFF_SQ_RING);
            if (_ringPtr == MapFailed)
            {
                Libc.Close(_fd);
                throw new IOException($"mmap(io_uring ring) failed: errno {Marshal.GetLastPInvokeError()}");
            }
            _sqesSize = p.SqEntries * 64u;
            _sqes = (byte*)mmap_(null, _sqesSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, _fd, IORING_OFF_SQES);
            if (_sqes == MapFailed)
            {
                munmap_(_ringPtr, _ringSize);
                Libc.Close(_fd);
                throw new IOException($"mmap(io_uring sqes) failed: errno {Marshal.GetLastPInvokeError()}");
            }
            _sqHead = (uint*)(_ringPtr + p.SqOff.Head);
            _sqTail = (uint*)(_ringPtr + p.SqOff.Tail);
            _sqFlags = (uint*)(_ringPtr + p.SqOff.Flags);
            _sqMask = *(uint*)(_ringPtr + p.SqOff.RingMask);
            _sqEntries = *(uint*)(_ringPtr + p.SqOff.RingEntries);
            _cqHead = (uint*)(_ringPtr + p.CqOff.Head);
            _cqTail = (uint*)(_ringPtr + p.CqOff.Tail);
            _cqMask = *(uint*)(_ringPtr + p.CqOff.RingMask);
            _cqes = _ringPtr + p.CqOff.Cqes;
            // The index array maps ring positions to SQE slots; identity once, since we fill SQEs in ring order.
            uint* array = (uint*)(_ringPtr + p.SqOff.Array);
            for (uint i = 0; i < _sqEntries; i++) array[i] = i;
            _localTail = _submitted = Volatile.Read(ref *_sqTail);
            // A registered ring fd spares every io_uring_enter the fd table lookup and reference count.
            _enterFd = _fd;
            var update = new RsrcUpdate { Offset = uint.MaxValue, Data = (ulong)_fd };
            if (Libc.Result(Libc.syscall6(Libc.SYS_io_uring_register, _fd, IORING_REGISTER_RING_FDS, (long)&update, 1, 0, 0)).Value == 1)
            {
                _enterFd = (int)update.Offset;
                _enterFlags = IORING_ENTER_REGISTERED_RING;
            }
        }

        /// <summary>The ring's own fd, for io_uring_register.</summary>
        public int Fd => _fd;

        public uint PendingSubmissions => _localTail - _submitted;

        /// <summary>The kernel parked completions it could not fit (NODROP): an enter with GETEVENTS flushes them.</summary>
        public bool CqOverflowed => (Volatile.Read(ref *_sqFlags) & IORING_SQ_CQ_OVERFLOW) != 0;

        public bool HasCompletions => Volatile.Read(ref *_cqTail) != *_cqHead;

        /// <summary>A zeroed SQE, or null when the submission queue is full (flush with Enter, then retry).</summary>
        private byte* NextSqe()
        {
            uint head = Volatile.Read(ref *_sqHead);
            if (_localTail - head >= _sqEntries) return null;
            byte* sqe = _sqes + (_localTail & _sqMask) * 64;
            new Span<byte>(sqe, 64).Clear();
            _localTail++;
            return sqe;
        }

        public bool PrepPollAdd(int fd, uint pollEvents, ulong userData)
        {
            byte* sqe = NextSqe();
            if (sqe == null) return false;
            sqe[0] = IORING_OP_POLL_ADD;
            *(int*)(sqe + 4) = fd;
            *(uint*)(sqe + 28) = pollEvents;     // poll32_events (little-endian hosts)
            *(ulong*)(sqe + 32) = userData;
            return true;
        }

        public bool PrepCancel(ulong targetUserData, ulong userData)
        {
            byte* sqe = NextSqe();
            if (sqe == null) return false;
            sqe[0] = IORING_OP_ASYNC_CANCEL;
            *(int*)(sqe + 4) = -1;
            *(ulong*)(sqe + 16) = targetUserData; // addr = the user_data to cancel
            *(ulong*)(sqe + 32) = userData;
            return true;
        }

        /// <summary>
        /// Submits prepared SQEs and runs deferred task work (DEFER_TASKRUN needs GETEVENTS on every enter);
        /// waits for one completion when <paramref name="timeoutMs"/> is not 0 (-1 = no deadline).
        /// EINTR, ETIME and EBUSY come back as values; the caller reaps either way.
        /// </summary>
        public PosixResult Enter(int timeoutMs)
        {
            uint toSubmit = PendingSubmissions;
            if (toSubmit > 0) Volatile.Write(ref *_sqTail, _localTail);
            uint flags = IORING_ENTER_GETEVENTS | _enterFlags;
            uint minComplete = timeoutMs != 0 ? 1u : 0u;
            KernelTimespec ts = default;
            GetEventsArg arg = default;
            void* argp = null;
            nuint argSize = 0;
            if (timeoutMs > 0)
            {
                ts.Sec = timeoutMs / 1000;
                ts.Nsec = (timeoutMs % 1000) * 1_000_000L;
                arg.Ts = (ulong)&ts;
                argp = &arg;
                argSize = (nuint)sizeof(GetEventsArg);
                flags |= IORING_ENTER_EXT_ARG;
            }
            long rv = Libc.syscall6(Libc.SYS_io_uring_enter, _enterFd, toSubmit, minComplete, flags, (long)argp, (long)argSize);
            var result = Libc.Result(rv);
            if (result.IsSuccess) _submitted += (uint)result.Value;
            return result;
        }

        /// <summary>Copies up to <paramref name="into"/>.Length completions out of the ring; returns how many.</summary>
        public int Reap(Span<Completion> into)
        {
            uint head = *_cqHead;
            uint tail = Volatile.Read(ref *_cqTail);
            int count = 0;
            while (head != tail && count < into.Length)
            {
                byte* cqe = _cqes + (head & _cqMask) * 16;
                into[count++] = new Completion(*(ulong*)cqe, *(int*)(cqe + 8), *(uint*)(cqe + 12));
                head++;
            }
            Volatile.Write(ref *_cqHead, head);
            return count;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            munmap_(_sqes, _sqesSize);
            munmap_(_ringPtr, _ringSize);
            Libc.Close(_fd);
        }
    }
}
