// io_uring socket operations: multishot receive into the provided-buffer ring and send straight from pipe memory,
// so a message costs no recv/send system call of its own (the loop's one io_uring_enter submits and reaps them).
using System.Buffers;

namespace Pooler.Io.Interop;

internal static unsafe partial class IoUring
{
    public const byte IORING_OP_SEND = 26, IORING_OP_RECV = 27;
    public const byte IOSQE_BUFFER_SELECT = 1 << 5;
    public const ushort IORING_RECV_MULTISHOT = 1 << 1;
    public const uint IORING_CQE_F_BUFFER = 1u << 0, IORING_CQE_F_MORE = 1u << 1;
    private const uint MSG_NOSIGNAL = 0x4000;

    internal sealed partial class Ring
    {
        /// <summary>A receive that stays armed and posts one completion per chunk, each in a buffer picked from
        /// group <paramref name="bufferGroup"/> only when data arrives (an idle socket holds none).</summary>
        public bool PrepRecvMultishot(int fd, ushort bufferGroup, ulong userData)
        {
            byte* sqe = NextSqe();
            if (sqe == null) return false;
            sqe[0] = IORING_OP_RECV;
            sqe[1] = IOSQE_BUFFER_SELECT;
            *(ushort*)(sqe + 2) = IORING_RECV_MULTISHOT; // ioprio carries the recv/send flags
            *(int*)(sqe + 4) = fd;
            *(ulong*)(sqe + 32) = userData;
            *(ushort*)(sqe + 40) = bufferGroup;
            return true;
        }

        /// <summary>Sends <paramref name="length"/> bytes from pinned memory; the pin must outlive the completion.</summary>
        public bool PrepSend(int fd, in MemoryHandle pinned, int length, ulong userData)
        {
            byte* sqe = NextSqe();
            if (sqe == null) return false;
            sqe[0] = IORING_OP_SEND;
            *(int*)(sqe + 4) = fd;
            *(ulong*)(sqe + 16) = (ulong)pinned.Pointer;
            *(uint*)(sqe + 24) = (uint)length;
            *(uint*)(sqe + 28) = MSG_NOSIGNAL;
            *(ulong*)(sqe + 32) = userData;
            return true;
        }
    }
}
