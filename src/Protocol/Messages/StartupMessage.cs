// The decoded parameters of a StartupMessage: an ordered name/value list with the well-known ones at hand.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

/// <summary>
/// A StartupMessage's protocol version and parameters, in the order the client sent them (the pooler replays them to
/// the server). Allocates strings: it is decoded once per client connection.
/// </summary>
public sealed class StartupMessage
{
    public StartupMessage(int protocolVersion, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ProtocolVersion = protocolVersion;
        Parameters = parameters;
    }

    /// <summary>major &lt;&lt; 16 | minor, e.g. <see cref="ProtocolVersions.V3_0"/>.</summary>
    public int ProtocolVersion { get; }

    /// <summary>All parameters in the order sent, including <c>_pq_.</c> protocol options.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>The <c>user</c> parameter, or null when missing (PostgreSQL refuses that with 28000).</summary>
    public string? User => Get("user");

    /// <summary>The <c>database</c> parameter as sent, or null (see <see cref="EffectiveDatabase"/>).</summary>
    public string? Database => Get("database");

    /// <summary>The database PostgreSQL would use: <c>database</c>, or the user name when it is absent or empty.</summary>
    public string? EffectiveDatabase => string.IsNullOrEmpty(Database) ? User : Database;

    public string? Options => Get("options");
    public string? Replication => Get("replication");
    public string? ApplicationName => Get("application_name");

    /// <summary>The last value given for <paramref name="name"/> (PostgreSQL lets a later one win), or null.</summary>
    public string? Get(string name)
    {
        string? value = null;
        foreach (var pair in Parameters)
            if (pair.Key == name)
                value = pair.Value;
        return value;
    }

    /// <summary>Decodes a frame read by <see cref="StartupFrameReader"/> with kind StartupMessage.</summary>
    public static bool TryParse(in StartupFrame frame, out StartupMessage message, out ProtocolError error)
        => TryParse(frame.ProtocolVersion, frame.Body, out message, out error);

    /// <summary>Decodes a StartupMessage body (the bytes after version). Returns false on a bad layout.</summary>
    public static bool TryParse(int protocolVersion, ReadOnlySequence<byte> body, out StartupMessage message, out ProtocolError error)
    {
        message = null!;
        error = default;
        var list = new List<KeyValuePair<string, string>>();
        var reader = new SequenceReader<byte>(body);
        while (true)
        {
            if (!reader.TryPeek(out byte next))
                break;
            if (next == 0)
            {
                reader.Advance(1);
                if (!reader.End)
                    break;
                message = new StartupMessage(protocolVersion, list);
                return true;
            }
            if (!reader.TryReadTo(out ReadOnlySequence<byte> name, 0) || !reader.TryReadTo(out ReadOnlySequence<byte> value, 0))
                break;
            list.Add(new(Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
        }
        error = new(ProtocolErrorCode.InvalidStartupPacket, "invalid startup packet layout: expected terminator as last byte");
        return false;
    }

    /// <summary>Checks the layout without allocating: NUL-terminated name/value pairs, then a single NUL at the end.</summary>
    internal static bool IsValidLayout(ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        while (reader.TryPeek(out byte next))
        {
            if (next == 0)
                return reader.Remaining == 1;
            if (!reader.TryAdvanceTo(0) || !reader.TryAdvanceTo(0))
                return false;
        }
        return false;
    }
}
