// One startup-phase packet as a view over the received bytes: kind, version/request code and body.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>
/// A startup-phase packet. <see cref="Raw"/> is the whole packet as received (length, code, body); <see cref="Body"/>
/// is what follows the 8-byte header (parameters of a StartupMessage, process id and key of a CancelRequest).
/// </summary>
public readonly struct StartupFrame
{
    public StartupFrame(StartupFrameKind kind, int code, ReadOnlySequence<byte> raw)
    {
        Kind = kind;
        Code = code;
        Raw = raw;
    }

    public StartupFrameKind Kind { get; }

    /// <summary>The Int32 after the length: a protocol version (see <see cref="ProtocolVersions"/>) or request code.</summary>
    public int Code { get; }

    /// <summary>Protocol version of a StartupMessage (major &lt;&lt; 16 | minor).</summary>
    public int ProtocolVersion => Code;

    public ReadOnlySequence<byte> Raw { get; }

    public ReadOnlySequence<byte> Body => Raw.Length >= StartupFrameReader.HeaderLength ? Raw.Slice(StartupFrameReader.HeaderLength) : default;
}
