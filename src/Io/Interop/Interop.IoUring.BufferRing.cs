// The provided-buffer ring a loop's multishot receives draw from: native buffers the kernel fills on arrival. The
// loop copies each chunk into the connection's pipe and hands the buffer straight back, so the ring's memory is
// fixed per loop and no connection keeps a buffer while idle.
using System.Runtime.InteropServices;

namespace Pooler.Io.Interop;

internal static unsafe partial class IoUring
{
    [StructLayout(LayoutKind.Sequential)]
    private struct BufReg { public ulong RingAddr; public uint RingEntries; public ushort Bgid; public ushort Flags; public ulong Resv0, Resv1, Resv2; }

    internal sealed class BufferRing : IDisposable
    {
        private readonly byte* _entries;  // struct io_uring_buf[count]; the tail lives in entry 0's last 2 bytes
        private readonly byte* _memory;
        private readonly int _size;
        private readonly ushort _mask;
        private ushort _tail;
        private bool _disposed;

        private BufferRing(int count, int size)
        {
            _size = size;
            _mask = (ushort)(count - 1);
            _entries = (byte*)NativeMemory.AlignedAlloc((nuint)count * 16, 4096);
            NativeMemory.Clear(_entries, (nuint)count * 16);
            _memory = (byte*)NativeMemory.AlignedAlloc((nuint)count * (nuint)size, 4096);
        }

        /// <summary>Registers <paramref name="count"/> (a power of two ≤ 32768) buffers of <paramref name="size"/>
        /// bytes as group <paramref name="group"/> of the ring; null (and the errno) when the kernel refuses.</summary>
        public static BufferRing? Register(Ring ring, ushort group, int count, int size, out PosixResult result)
        {
            var buffers = new BufferRing(count, size);
            var reg = new BufReg { RingAddr = (ulong)buffers._entries, RingEntries = (uint)count, Bgid = group };
            result = Libc.Result(Libc.syscall6(Libc.SYS_io_uring_register, ring.Fd, IORING_REGISTER_PBUF_RING, (long)&reg, 1, 0, 0));
            if (!result.IsSuccess)
            {
                buffers.Dispose();
                return null;
            }
            for (int i = 0; i < count; i++) buffers.Add((ushort)i);
            buffers.Publish();
            return buffers;
        }

        /// <summary>The first <paramref name="length"/> bytes of buffer <paramref name="id"/> (valid until Recycle).</summary>
        public ReadOnlySpan<byte> Data(ushort id, int length) => new(_memory + (nuint)id * (nuint)_size, Math.Min(length, _size));

        /// <summary>Gives buffer <paramref name="id"/> back to the kernel.</summary>
        public void Recycle(ushort id)
        {
            Add(id);
            Publish();
        }

        private void Add(ushort id)
        {
            byte* entry = _entries + (_tail & _mask) * 16;
            *(ulong*)entry = (ulong)(_memory + (nuint)id * (nuint)_size);
            *(uint*)(entry + 8) = (uint)_size;
            *(ushort*)(entry + 12) = id;
            _tail++;
        }

        private void Publish() => Volatile.Write(ref *(ushort*)(_entries + 14), _tail);

        /// <summary>Frees the memory; only after the ring is closed (the kernel may write until then).</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            NativeMemory.AlignedFree(_entries);
            NativeMemory.AlignedFree(_memory);
        }
    }
}
