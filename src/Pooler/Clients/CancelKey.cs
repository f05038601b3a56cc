// The BackendKeyData the pooler gives each client, and its layout (worker id in the low bits of the process id).
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Pooler.Clients;

/// <summary>
/// A client's cancel key. Layout of the 32-bit process id: bit 31 is 0 (positive, as real pids), bits 30..8 are
/// random, bits 7..0 carry the worker id (0..255), so the supervisor of a multi-process pooler can route a
/// CancelRequest to the worker that owns the key without asking anyone. The 4-byte secret is random (protocol 3.0
/// keys; 3.2's longer keys can follow). Unique per worker: the registry re-draws on a collision.
/// </summary>
/// <remarks>The secret is kept as an int, not an array: one 4-byte array per client was 32 bytes of every idle client.</remarks>
internal readonly record struct CancelKey(int ProcessId, int SecretValue)
{
    public const int WorkerBits = 8;

    public int WorkerId => ProcessId & ((1 << WorkerBits) - 1);

    /// <summary>The 4 secret bytes as BackendKeyData carries them (a new array: for the login reply and a cancel check).</summary>
    public byte[] Secret
    {
        get
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, SecretValue);
            return bytes;
        }
    }

    // Strong random bytes drawn 512 at a time: one RandomNumberGenerator call per 64 logins instead of one each
    // (it was a visible part of a login's CPU in a connect-per-transaction profile). Per thread: no locking.
    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_used;

    public static CancelKey Create(int workerId)
    {
        var pool = t_random ??= new byte[512];
        if (t_used == 0 || t_used + 8 > pool.Length)
        {
            RandomNumberGenerator.Fill(pool);
            t_used = 0;
        }
        var random = pool.AsSpan(t_used, 8);
        t_used += 8;
        var high = BitConverter.ToInt32(random) & 0x7FFFFF00;
        return new CancelKey(high | (workerId & 0xFF), BitConverter.ToInt32(random[4..]));
    }
}
