// Decodes Parse ('P'): statement name and query for prepared-statement tracking; parameter types stay raw.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

/// <summary>
/// Parse as views into the frame. <see cref="ParameterTypes"/> is the raw section (Int16 count, then Int32 OIDs), so
/// a re-prepare under another name copies it unchanged with <see cref="FrontendMessages.WriteParse(System.Buffers.IBufferWriter{byte}, string, string, in ReadOnlySequence{byte})"/>.
/// </summary>
public readonly struct ParseMessage
{
    public ReadOnlySequence<byte> StatementNameBytes { get; init; }
    public ReadOnlySequence<byte> QueryBytes { get; init; }
    public ReadOnlySequence<byte> ParameterTypes { get; init; }
    public short ParameterTypeCount { get; init; }

    public string StatementName => Encoding.UTF8.GetString(StatementNameBytes);
    public string Query => Encoding.UTF8.GetString(QueryBytes);

    public static bool TryParse(in ReadOnlySequence<byte> body, out ParseMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadCString(out ReadOnlySequence<byte> name) || !r.TryReadCString(out ReadOnlySequence<byte> query))
            return false;
        var types = r.UnreadSequence;
        if (!r.TryReadBigEndian(out short count) || count < 0 || r.Remaining != 4L * count)
            return false;
        message = new ParseMessage { StatementNameBytes = name, QueryBytes = query, ParameterTypes = types, ParameterTypeCount = count };
        return true;
    }

    /// <summary>Parameter type OIDs (allocates; for tests and logging).</summary>
    public uint[] GetParameterTypes()
    {
        var r = new SequenceReader<byte>(ParameterTypes);
        r.Advance(2);
        var oids = new uint[ParameterTypeCount];
        for (int i = 0; i < oids.Length; i++)
        {
            r.TryReadBigEndian(out int oid);
            oids[i] = (uint)oid;
        }
        return oids;
    }
}
