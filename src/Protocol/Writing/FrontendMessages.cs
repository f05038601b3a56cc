// Writers for the messages the pooler sends to servers as if it were the client (login, re-preparing, cancel).
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>One static writer per frontend message. Each adds up its field sizes, then fills exactly that many bytes.</summary>
public static class FrontendMessages
{
    /// <summary>StartupMessage with the parameters in the order given (e.g. the client's, with user/database changed).</summary>
    public static void WriteStartupMessage(IBufferWriter<byte> w, int protocolVersion, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        int body = 4 + 1;                                    // version, final terminator
        foreach (var p in parameters) body += MessageSpan.CStringSize(p.Key) + MessageSpan.CStringSize(p.Value);
        var s = MessageSpan.BeginUntyped(w, body);
        s.WriteInt32(protocolVersion);
        foreach (var p in parameters)
        {
            s.WriteCString(p.Key);
            s.WriteCString(p.Value);
        }
        s.WriteByte(0);
        s.Finish();
    }

    public static void WriteSslRequest(IBufferWriter<byte> w) => WriteRequestCode(w, ProtocolVersions.SslRequestCode);

    public static void WriteGssEncRequest(IBufferWriter<byte> w) => WriteRequestCode(w, ProtocolVersions.GssEncRequestCode);

    private static void WriteRequestCode(IBufferWriter<byte> w, int code)
    {
        var s = MessageSpan.BeginUntyped(w, 4);
        s.WriteInt32(code);
        s.Finish();
    }

    /// <summary>CancelRequest with the key from BackendKeyData (4 bytes in 3.0, up to 256 in 3.2).</summary>
    public static void WriteCancelRequest(IBufferWriter<byte> w, int processId, ReadOnlySpan<byte> secretKey)
    {
        var s = MessageSpan.BeginUntyped(w, 4 + 4 + secretKey.Length);   // code, pid, key
        s.WriteInt32(ProtocolVersions.CancelRequestCode);
        s.WriteInt32(processId);
        s.WriteBytes(secretKey);
        s.Finish();
    }

    /// <summary>PasswordMessage: a cleartext password or the "md5…" hash string.</summary>
    public static void WritePasswordMessage(IBufferWriter<byte> w, string password)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.PasswordMessage, MessageSpan.CStringSize(password));
        s.WriteCString(password);
        s.Finish();
    }

    /// <summary>SASLInitialResponse: mechanism name and the client-first-message (null data is sent as length -1).</summary>
    public static void WriteSASLInitialResponse(IBufferWriter<byte> w, string mechanism, ReadOnlySpan<byte> data, bool hasData = true)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.SASLInitialResponse, MessageSpan.CStringSize(mechanism) + 4 + data.Length);
        s.WriteCString(mechanism);
        s.WriteInt32(hasData ? data.Length : -1);
        s.WriteBytes(data);
        s.Finish();
    }

    /// <summary>SASLResponse (also GSSResponse): raw data.</summary>
    public static void WriteSASLResponse(IBufferWriter<byte> w, ReadOnlySpan<byte> data)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.SASLResponse, data.Length);
        s.WriteBytes(data);
        s.Finish();
    }

    public static void WriteQuery(IBufferWriter<byte> w, string sql)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.Query, MessageSpan.CStringSize(sql));
        s.WriteCString(sql);
        s.Finish();
    }

    /// <summary>Parse: statement name ("" = unnamed), query, and parameter type OIDs (0 = unspecified).</summary>
    public static void WriteParse(IBufferWriter<byte> w, string statement, string query, ReadOnlySpan<uint> parameterTypes)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.Parse,
            MessageSpan.CStringSize(statement) + MessageSpan.CStringSize(query) + 2 + 4 * parameterTypes.Length);
        s.WriteCString(statement);
        s.WriteCString(query);
        s.WriteInt16(checked((short)parameterTypes.Length));
        foreach (var t in parameterTypes) s.WriteInt32((int)t);
        s.Finish();
    }

    /// <summary>
    /// Parse with the parameter-type section copied raw from a client's Parse (<see cref="ParseMessage.ParameterTypes"/>),
    /// for re-preparing a statement under another name.
    /// </summary>
    public static void WriteParse(IBufferWriter<byte> w, string statement, string query, in ReadOnlySequence<byte> parameterTypesSection)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.Parse,
            MessageSpan.CStringSize(statement) + MessageSpan.CStringSize(query) + (int)parameterTypesSection.Length);
        s.WriteCString(statement);
        s.WriteCString(query);
        s.WriteBytes(parameterTypesSection);
        s.Finish();
    }

    /// <summary>
    /// Bind with the parameter formats, values and result formats copied raw from a client's Bind
    /// (<see cref="BindMessage.Parameters"/>): the pooler renames the statement and leaves the values opaque.
    /// </summary>
    public static void WriteBind(IBufferWriter<byte> w, string portal, string statement, in ReadOnlySequence<byte> parametersSection)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.Bind,
            MessageSpan.CStringSize(portal) + MessageSpan.CStringSize(statement) + (int)parametersSection.Length);
        s.WriteCString(portal);
        s.WriteCString(statement);
        s.WriteBytes(parametersSection);
        s.Finish();
    }

    /// <summary>
    /// Only the start of a Bind — type, length, portal, statement — for a message whose remaining
    /// <paramref name="restLength"/> bytes (formats, values, result formats) the caller forwards as they stream in
    /// (see <see cref="ScanStatus.LargeMessageStart"/>).
    /// </summary>
    public static void WriteBindHeader(IBufferWriter<byte> w, string portal, string statement, int restLength) =>
        WriteTwoNameHeader(w, FrontendMessageCode.Bind, portal, statement, restLength);

    /// <summary>Only the start of a Parse — type, length, statement name — before a streamed query and parameter types.</summary>
    public static void WriteParseHeader(IBufferWriter<byte> w, string statement, int restLength)
    {
        int nameSize = MessageSpan.CStringSize(statement);
        var span = w.GetSpan(5 + nameSize);
        span[0] = (byte)FrontendMessageCode.Parse;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span.Slice(1), checked(4 + nameSize + restLength));
        WriteCStringAt(span.Slice(5), statement);
        w.Advance(5 + nameSize);
    }

    private static void WriteTwoNameHeader(IBufferWriter<byte> w, FrontendMessageCode code, string first, string second, int restLength)
    {
        int size1 = MessageSpan.CStringSize(first), size2 = MessageSpan.CStringSize(second);
        var span = w.GetSpan(5 + size1 + size2);
        span[0] = (byte)code;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span.Slice(1), checked(4 + size1 + size2 + restLength));
        WriteCStringAt(span.Slice(5), first);
        WriteCStringAt(span.Slice(5 + size1), second);
        w.Advance(5 + size1 + size2);
    }

    private static void WriteCStringAt(Span<byte> span, string value)
    {
        int n = System.Text.Encoding.UTF8.GetBytes(value, span);
        span[n] = 0;
    }

    /// <summary>Bind with text-format parameters (null = SQL NULL) and one result format for all columns.</summary>
    public static void WriteBind(IBufferWriter<byte> w, string portal, string statement, ReadOnlySpan<string?> parameters, short resultFormat = 0)
    {
        int body = MessageSpan.CStringSize(portal) + MessageSpan.CStringSize(statement)
            + 2                                              // parameter format count (0: all text)
            + 2                                              // parameter count
            + 2 + 2;                                         // result format count (1) and the format
        foreach (var p in parameters) body += 4 + (p is null ? 0 : MessageSpan.TextSize(p));
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.Bind, body);
        s.WriteCString(portal);
        s.WriteCString(statement);
        s.WriteInt16(0);
        s.WriteInt16(checked((short)parameters.Length));
        foreach (var p in parameters)
        {
            if (p is null)
                s.WriteInt32(-1);
            else
            {
                s.WriteInt32(MessageSpan.TextSize(p));
                s.WriteText(p);
            }
        }
        s.WriteInt16(1);
        s.WriteInt16(resultFormat);
        s.Finish();
    }

    public static void WriteDescribe(IBufferWriter<byte> w, StatementTarget target, string name) =>
        WriteTargeted(w, FrontendMessageCode.Describe, target, name);

    public static void WriteClose(IBufferWriter<byte> w, StatementTarget target, string name) =>
        WriteTargeted(w, FrontendMessageCode.Close, target, name);

    private static void WriteTargeted(IBufferWriter<byte> w, FrontendMessageCode code, StatementTarget target, string name)
    {
        var s = MessageSpan.Begin(w, (byte)code, 1 + MessageSpan.CStringSize(name));
        s.WriteByte((byte)target);
        s.WriteCString(name);
        s.Finish();
    }

    /// <summary>Execute: portal name and row limit (0 = all rows).</summary>
    public static void WriteExecute(IBufferWriter<byte> w, string portal, int maxRows = 0)
    {
        var s = MessageSpan.Begin(w, (byte)FrontendMessageCode.Execute, MessageSpan.CStringSize(portal) + 4);
        s.WriteCString(portal);
        s.WriteInt32(maxRows);
        s.Finish();
    }

    public static void WriteSync(IBufferWriter<byte> w) => MessageSpan.Begin(w, (byte)FrontendMessageCode.Sync, 0).Finish();

    public static void WriteFlush(IBufferWriter<byte> w) => MessageSpan.Begin(w, (byte)FrontendMessageCode.Flush, 0).Finish();

    public static void WriteTerminate(IBufferWriter<byte> w) => MessageSpan.Begin(w, (byte)FrontendMessageCode.Terminate, 0).Finish();
}
