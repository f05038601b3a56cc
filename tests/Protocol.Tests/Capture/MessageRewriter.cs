// Decodes a captured message and writes it again with the library's writer, to compare bytes with the original.
using System.Buffers;
using Pooler.Protocol.Auth;

namespace Pooler.Protocol.Tests.Capture;

/// <summary>Knows, for each message type, which decoder and writer belong together.</summary>
internal sealed class MessageRewriter
{
    // 'p' means a different message at each auth step: the n-th 'p' answers the server's n-th request.
    private readonly Queue<AuthenticationRequestType> _requests = new();
    private AuthenticationRequestType _lastAuth;

    public MessageRewriter(IEnumerable<CapturedMessage> serverMessages)
    {
        foreach (var m in serverMessages.Where(m => m.Code == (byte)'R'))
            if (AuthenticationMessage.TryParse(m.Body, out var auth) && auth.Type != AuthenticationRequestType.AuthenticationOk
                && auth.Type != AuthenticationRequestType.AuthenticationSASLFinal)
                _requests.Enqueue(auth.Type);
    }

    /// <summary>Every message type rewritten at least once, as "client:X" / "server:X".</summary>
    public HashSet<string> Covered { get; } = new();

    /// <summary>The rewritten bytes, or null when the library has no writer for this message (COPY data etc.).</summary>
    public byte[]? Rewrite(CapturedMessage m)
    {
        var w = new ArrayBufferWriter<byte>();
        string? name = m.FromClient ? RewriteClient(m, w) : RewriteServer(m, w);
        if (name is null)
            return null;
        Covered.Add((m.FromClient ? "client:" : "server:") + name);
        return w.WrittenSpan.ToArray();
    }

    private string? RewriteClient(CapturedMessage m, ArrayBufferWriter<byte> w)
    {
        var body = m.Body;
        switch (m.StartupKind)
        {
            case StartupFrameKind.SslRequest:
                FrontendMessages.WriteSslRequest(w);
                return "SSLRequest";
            case StartupFrameKind.CancelRequest:
                var frame = ReadStartup(m.Raw);
                Assert.True(CancelRequestMessage.TryParse(frame, out var cancel));
                FrontendMessages.WriteCancelRequest(w, cancel.ProcessId, cancel.SecretKey);
                return "CancelRequest";
            case StartupFrameKind.StartupMessage:
                Assert.True(StartupMessage.TryParse(ReadStartup(m.Raw), out var startup, out _));
                FrontendMessages.WriteStartupMessage(w, startup.ProtocolVersion, startup.Parameters);
                return "StartupMessage";
        }
        if (m.Code == (byte)'p')
            _lastAuth = _requests.Dequeue();
        switch ((FrontendMessageCode)m.Code)
        {
            case FrontendMessageCode.PasswordMessage when _lastAuth == AuthenticationRequestType.AuthenticationSASL:
                Assert.True(SaslInitialResponseMessage.TryParse(body, out var initial));
                FrontendMessages.WriteSASLInitialResponse(w, initial.Mechanism, initial.Data.ToArray(), initial.HasData);
                return "SASLInitialResponse";
            case FrontendMessageCode.PasswordMessage when _lastAuth == AuthenticationRequestType.AuthenticationSASLContinue:
                FrontendMessages.WriteSASLResponse(w, body.ToArray());
                return "SASLResponse";
            case FrontendMessageCode.PasswordMessage:
                Assert.True(PasswordMessage.TryParse(body, out var password));
                FrontendMessages.WritePasswordMessage(w, password);
                return "PasswordMessage";
            case FrontendMessageCode.Query:
                Assert.True(QueryMessage.TryParse(body, out var sql));
                FrontendMessages.WriteQuery(w, sql);
                return "Query";
            case FrontendMessageCode.Parse:
                Assert.True(ParseMessage.TryParse(body, out var parse));
                FrontendMessages.WriteParse(w, parse.StatementName, parse.Query, parse.GetParameterTypes());
                return "Parse";
            case FrontendMessageCode.Bind:
                Assert.True(BindMessage.TryParse(body, out var bind));
                FrontendMessages.WriteBind(w, bind.PortalName, bind.StatementName, bind.Parameters);
                return "Bind";
            case FrontendMessageCode.Describe:
            case FrontendMessageCode.Close:
                Assert.True(TargetedMessage.TryParse(body, out var target));
                if (m.Code == (byte)'D') FrontendMessages.WriteDescribe(w, target.Target, target.Name);
                else FrontendMessages.WriteClose(w, target.Target, target.Name);
                return ((FrontendMessageCode)m.Code).ToString();
            case FrontendMessageCode.Execute:
                Assert.True(ExecuteMessage.TryParse(body, out var execute));
                FrontendMessages.WriteExecute(w, execute.PortalName, execute.MaxRows);
                return "Execute";
            case FrontendMessageCode.Sync:
                FrontendMessages.WriteSync(w);
                return "Sync";
            case FrontendMessageCode.Flush:
                FrontendMessages.WriteFlush(w);
                return "Flush";
            case FrontendMessageCode.Terminate:
                FrontendMessages.WriteTerminate(w);
                return "Terminate";
        }
        return null;
    }

    private string? RewriteServer(CapturedMessage m, ArrayBufferWriter<byte> w)
    {
        var body = m.Body;
        switch ((BackendMessageCode)m.Code)
        {
            case BackendMessageCode.AuthenticationRequest:
                Assert.True(AuthenticationMessage.TryParse(body, out var auth));
                switch (auth.Type)
                {
                    case AuthenticationRequestType.AuthenticationOk: BackendMessages.WriteAuthenticationOk(w); break;
                    case AuthenticationRequestType.AuthenticationMD5Password: BackendMessages.WriteAuthenticationMD5Password(w, auth.GetMd5Salt()); break;
                    case AuthenticationRequestType.AuthenticationCleartextPassword: BackendMessages.WriteAuthenticationCleartextPassword(w); break;
                    case AuthenticationRequestType.AuthenticationSASL: BackendMessages.WriteAuthenticationSASL(w, [.. auth.GetSaslMechanisms()]); break;
                    case AuthenticationRequestType.AuthenticationSASLContinue: BackendMessages.WriteAuthenticationSASLContinue(w, auth.Data.ToArray()); break;
                    case AuthenticationRequestType.AuthenticationSASLFinal: BackendMessages.WriteAuthenticationSASLFinal(w, auth.Data.ToArray()); break;
                    default: BackendMessages.WriteAuthenticationRequest(w, auth.Type, auth.Data.ToArray()); break;
                }
                return auth.Type.ToString();
            case BackendMessageCode.ParameterStatus:
                Assert.True(ParameterStatusMessage.TryParse(body, out var ps));
                BackendMessages.WriteParameterStatus(w, ps.Name, ps.Value);
                return "ParameterStatus";
            case BackendMessageCode.BackendKeyData:
                Assert.True(BackendKeyDataMessage.TryParse(body, out var key));
                BackendMessages.WriteBackendKeyData(w, key.ProcessId, key.SecretKey);
                return "BackendKeyData";
            case BackendMessageCode.ReadyForQuery:
                Assert.True(ReadyForQueryMessage.TryParse(body, out var status));
                BackendMessages.WriteReadyForQuery(w, status);
                return "ReadyForQuery";
            case BackendMessageCode.ErrorResponse:
            case BackendMessageCode.NoticeResponse:
                Assert.True(ErrorFields.TryParse(body, out var fields));
                if (m.Code == (byte)'E') BackendMessages.WriteErrorResponse(w, fields);
                else BackendMessages.WriteNoticeResponse(w, fields);
                return ((BackendMessageCode)m.Code).ToString();
            case BackendMessageCode.RowDescription:
                Assert.True(RowDescriptionMessage.TryParse(body, out var columns));
                if (columns.Any(c => c.FormatCode != 0)) return null;
                BackendMessages.WriteRowDescription(w, columns);
                return "RowDescription";
            case BackendMessageCode.DataRow:
                Assert.True(RowDescriptionMessage.TryParseDataRow(body, out var values));
                BackendMessages.WriteDataRow(w, values);
                var same = w.WrittenSpan.SequenceEqual(m.Raw);
                if (!same) { w.Clear(); return null; }     // binary-format values are not text; only text rows compare
                return "DataRow";
            case BackendMessageCode.CommandComplete:
                Assert.True(CommandCompleteMessage.TryParse(body, out var tag));
                BackendMessages.WriteCommandComplete(w, tag);
                return "CommandComplete";
            case BackendMessageCode.NotificationResponse:
                Assert.True(NotificationResponseMessage.TryParse(body, out var note));
                BackendMessages.WriteNotificationResponse(w, note.ProcessId, note.Channel, note.Payload);
                return "NotificationResponse";
            case BackendMessageCode.NegotiateProtocolVersion:
                Assert.True(NegotiateProtocolVersionMessage.TryParse(body, out var npv));
                BackendMessages.WriteNegotiateProtocolVersion(w, npv.NewestMinorVersion, npv.UnrecognizedOptions);
                return "NegotiateProtocolVersion";
            case BackendMessageCode.CopyInResponse:
            case BackendMessageCode.CopyOutResponse:
            case BackendMessageCode.CopyBothResponse:
                Assert.True(CopyResponseMessage.TryParse(body, out _));   // decoded only: the pooler never sends these
                return null;
            case BackendMessageCode.EmptyQueryResponse:
            case BackendMessageCode.ParseComplete:
            case BackendMessageCode.BindComplete:
            case BackendMessageCode.CloseComplete:
            case BackendMessageCode.NoData:
                Assert.Equal(4, m.Raw.Length - 1);
                BackendMessages.WriteEmpty(w, (BackendMessageCode)m.Code);
                return ((BackendMessageCode)m.Code).ToString();
        }
        return null;
    }

    private static StartupFrame ReadStartup(byte[] raw)
    {
        var buffer = new ReadOnlySequence<byte>(raw);
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var frame, out _));
        return frame;
    }
}
