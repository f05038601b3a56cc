// Decodes a CancelRequest read by StartupFrameReader: which backend to cancel and the key that proves the right to.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>CancelRequest: process id and secret key (1–256 bytes; 4 in protocol 3.0).</summary>
public sealed record CancelRequestMessage(int ProcessId, byte[] SecretKey)
{
    /// <summary>Decodes a frame of kind <see cref="StartupFrameKind.CancelRequest"/>.</summary>
    public static bool TryParse(in StartupFrame frame, out CancelRequestMessage message)
    {
        message = null!;
        if (frame.Kind != StartupFrameKind.CancelRequest)
            return false;
        var r = new SequenceReader<byte>(frame.Body);
        if (!r.TryReadBigEndian(out int pid) || r.Remaining < 1 || r.Remaining > ProtocolVersions.MaxCancelKeyLength)
            return false;
        message = new(pid, r.ReadRest().ToArray());
        return true;
    }
}
