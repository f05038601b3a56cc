// Writers for the messages the pooler sends to clients as if it were the server (auth, errors, admin console results).
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>One static writer per backend message. Each adds up its field sizes, then fills exactly that many bytes.</summary>
public static class BackendMessages
{
    /// <summary>The one-byte answer to SSLRequest/GSSENCRequest: 'S'/'G' to proceed, 'N' to refuse.</summary>
    public static void WriteEncryptionResponse(IBufferWriter<byte> w, bool accept, bool gss = false)
    {
        w.GetSpan(1)[0] = accept ? (gss ? (byte)'G' : (byte)'S') : (byte)'N';
        w.Advance(1);
    }

    public static void WriteAuthenticationOk(IBufferWriter<byte> w) =>
        WriteAuthenticationRequest(w, AuthenticationRequestType.AuthenticationOk, default);

    public static void WriteAuthenticationCleartextPassword(IBufferWriter<byte> w) =>
        WriteAuthenticationRequest(w, AuthenticationRequestType.AuthenticationCleartextPassword, default);

    /// <summary>AuthenticationMD5Password with its 4-byte salt.</summary>
    public static void WriteAuthenticationMD5Password(IBufferWriter<byte> w, ReadOnlySpan<byte> salt)
    {
        if (salt.Length != 4) throw new ArgumentException("MD5 salt is 4 bytes", nameof(salt));
        WriteAuthenticationRequest(w, AuthenticationRequestType.AuthenticationMD5Password, salt);
    }

    /// <summary>AuthenticationSASL: the mechanisms offered, in order of preference.</summary>
    public static void WriteAuthenticationSASL(IBufferWriter<byte> w, params ReadOnlySpan<string> mechanisms)
    {
        int body = 4 + 1;                                    // subtype, final empty string
        foreach (var m in mechanisms) body += MessageSpan.CStringSize(m);
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.AuthenticationRequest, body);
        s.WriteInt32((int)AuthenticationRequestType.AuthenticationSASL);
        foreach (var m in mechanisms) s.WriteCString(m);
        s.WriteByte(0);
        s.Finish();
    }

    public static void WriteAuthenticationSASLContinue(IBufferWriter<byte> w, ReadOnlySpan<byte> data) =>
        WriteAuthenticationRequest(w, AuthenticationRequestType.AuthenticationSASLContinue, data);

    public static void WriteAuthenticationSASLFinal(IBufferWriter<byte> w, ReadOnlySpan<byte> data) =>
        WriteAuthenticationRequest(w, AuthenticationRequestType.AuthenticationSASLFinal, data);

    /// <summary>Any Authentication* message: subtype then raw data (salt, SASL data, GSS data, or nothing).</summary>
    public static void WriteAuthenticationRequest(IBufferWriter<byte> w, AuthenticationRequestType type, ReadOnlySpan<byte> data)
    {
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.AuthenticationRequest, 4 + data.Length);
        s.WriteInt32((int)type);
        s.WriteBytes(data);
        s.Finish();
    }

    public static void WriteParameterStatus(IBufferWriter<byte> w, string name, string value)
    {
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.ParameterStatus, MessageSpan.CStringSize(name) + MessageSpan.CStringSize(value));
        s.WriteCString(name);
        s.WriteCString(value);
        s.Finish();
    }

    /// <summary>BackendKeyData with a 4-byte key (protocol 3.0) or a longer one (3.2, up to 256 bytes).</summary>
    public static void WriteBackendKeyData(IBufferWriter<byte> w, int processId, ReadOnlySpan<byte> secretKey)
    {
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.BackendKeyData, 4 + secretKey.Length);
        s.WriteInt32(processId);
        s.WriteBytes(secretKey);
        s.Finish();
    }

    public static void WriteReadyForQuery(IBufferWriter<byte> w, TransactionStatus status)
    {
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.ReadyForQuery, 1);
        s.WriteByte((byte)status);
        s.Finish();
    }

    /// <summary>ErrorResponse with the fields PostgreSQL sends for its own errors (S, V, C, M, optional D, H).</summary>
    public static void WriteErrorResponse(IBufferWriter<byte> w, string severity, string sqlState, string message,
        string? detail = null, string? hint = null) =>
        WriteFields(w, BackendMessageCode.ErrorResponse, ErrorFields.Create(severity, sqlState, message, detail, hint));

    public static void WriteErrorResponse(IBufferWriter<byte> w, ErrorFields fields) =>
        WriteFields(w, BackendMessageCode.ErrorResponse, fields);

    public static void WriteNoticeResponse(IBufferWriter<byte> w, string severity, string sqlState, string message,
        string? detail = null, string? hint = null) =>
        WriteFields(w, BackendMessageCode.NoticeResponse, ErrorFields.Create(severity, sqlState, message, detail, hint));

    public static void WriteNoticeResponse(IBufferWriter<byte> w, ErrorFields fields) =>
        WriteFields(w, BackendMessageCode.NoticeResponse, fields);

    private static void WriteFields(IBufferWriter<byte> w, BackendMessageCode code, ErrorFields fields)
    {
        int body = 1;                                        // final terminator
        foreach (var f in fields.Fields) body += 1 + MessageSpan.CStringSize(f.Value);
        var s = MessageSpan.Begin(w, (byte)code, body);
        foreach (var f in fields.Fields)
        {
            s.WriteByte(f.Key);
            s.WriteCString(f.Value);
        }
        s.WriteByte(0);
        s.Finish();
    }

    /// <summary>RowDescription for the given columns.</summary>
    public static void WriteRowDescription(IBufferWriter<byte> w, ReadOnlySpan<ColumnDescription> columns)
    {
        int body = 2;                                        // column count
        foreach (var c in columns) body += MessageSpan.CStringSize(c.Name) + 18;   // table oid, attnum, type oid, size, typmod, format
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.RowDescription, body);
        s.WriteInt16(checked((short)columns.Length));
        foreach (var c in columns)
        {
            s.WriteCString(c.Name);
            s.WriteInt32((int)c.TableOid);
            s.WriteInt16(c.ColumnNumber);
            s.WriteInt32((int)c.TypeOid);
            s.WriteInt16(c.TypeSize);
            s.WriteInt32(c.TypeModifier);
            s.WriteInt16(c.FormatCode);
        }
        s.Finish();
    }

    /// <summary>DataRow of text values; null is SQL NULL.</summary>
    public static void WriteDataRow(IBufferWriter<byte> w, ReadOnlySpan<string?> values)
    {
        int body = 2;                                        // column count
        foreach (var v in values) body += 4 + (v is null ? 0 : MessageSpan.TextSize(v));
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.DataRow, body);
        s.WriteInt16(checked((short)values.Length));
        foreach (var v in values)
        {
            if (v is null)
                s.WriteInt32(-1);
            else
            {
                s.WriteInt32(MessageSpan.TextSize(v));
                s.WriteText(v);
            }
        }
        s.Finish();
    }

    /// <summary>CommandComplete with a tag such as "SELECT 3" or "SHOW".</summary>
    public static void WriteCommandComplete(IBufferWriter<byte> w, string tag)
    {
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.CommandComplete, MessageSpan.CStringSize(tag));
        s.WriteCString(tag);
        s.Finish();
    }

    public static void WriteEmptyQueryResponse(IBufferWriter<byte> w) => WriteEmpty(w, BackendMessageCode.EmptyQueryResponse);

    /// <summary>A message with an empty body: ParseComplete, BindComplete, CloseComplete, NoData, EmptyQueryResponse…</summary>
    public static void WriteEmpty(IBufferWriter<byte> w, BackendMessageCode code) => MessageSpan.Begin(w, (byte)code, 0).Finish();

    /// <summary>NegotiateProtocolVersion: newest minor version supported and the protocol options not recognized.</summary>
    public static void WriteNegotiateProtocolVersion(IBufferWriter<byte> w, int newestMinorVersion, params ReadOnlySpan<string> unrecognizedOptions)
    {
        int body = 4 + 4;                                    // newest minor, option count
        foreach (var o in unrecognizedOptions) body += MessageSpan.CStringSize(o);
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.NegotiateProtocolVersion, body);
        s.WriteInt32(newestMinorVersion);
        s.WriteInt32(unrecognizedOptions.Length);
        foreach (var o in unrecognizedOptions) s.WriteCString(o);
        s.Finish();
    }

    public static void WriteNotificationResponse(IBufferWriter<byte> w, int processId, string channel, string payload)
    {
        var s = MessageSpan.Begin(w, (byte)BackendMessageCode.NotificationResponse, 4 + MessageSpan.CStringSize(channel) + MessageSpan.CStringSize(payload));
        s.WriteInt32(processId);
        s.WriteCString(channel);
        s.WriteCString(payload);
        s.Finish();
    }
}
