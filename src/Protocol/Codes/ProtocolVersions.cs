// Protocol version numbers and the special request codes that share the StartupMessage's version field.
namespace Pooler.Protocol;

/// <summary>Values of the Int32 that follows the length of every startup-phase packet.</summary>
public static class ProtocolVersions
{
    /// <summary>Protocol 3.0 (PostgreSQL 7.4 and later).</summary>
    public const int V3_0 = (3 << 16) | 0;
    /// <summary>Protocol 3.2 (PostgreSQL 18): longer cancel keys. 3.1 was never used.</summary>
    public const int V3_2 = (3 << 16) | 2;
    /// <summary>CancelRequest code 1234/5678.</summary>
    public const int CancelRequestCode = (1234 << 16) | 5678;
    /// <summary>SSLRequest code 1234/5679.</summary>
    public const int SslRequestCode = (1234 << 16) | 5679;
    /// <summary>GSSENCRequest code 1234/5680.</summary>
    public const int GssEncRequestCode = (1234 << 16) | 5680;
    /// <summary>PostgreSQL's cap on a startup packet's length (MAX_STARTUP_PACKET_LENGTH).</summary>
    public const int MaxStartupPacketLength = 10000;
    /// <summary>Longest cancel key protocol 3.2 allows.</summary>
    public const int MaxCancelKeyLength = 256;

    /// <summary>Major part of a version number.</summary>
    public static int Major(int version) => version >>> 16;
    /// <summary>Minor part of a version number.</summary>
    public static int Minor(int version) => version & 0xFFFF;
}
