// Every writer's output reads back, through FrameReader and the matching decoder, to the values written.
using System.Buffers;
using Pooler.Protocol.Auth;

namespace Pooler.Protocol.Tests.Messages;

public class WriterRoundTripTests
{
    private static Frame ReadOne(Action<ArrayBufferWriter<byte>> write, byte expectedCode)
    {
        var bytes = Sequences.Write(write);
        var buffer = Sequences.Bytewise(bytes);
        Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(ref buffer, 1 << 20, out var frame, out _));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(expectedCode, frame.Code);
        Assert.Equal(bytes.Length - 1, frame.Length);
        return frame;
    }

    [Fact]
    public void AuthenticationWriters_ReadBack()
    {
        Assert.True(AuthenticationMessage.TryParse(ReadOne(BackendMessages.WriteAuthenticationOk, (byte)'R').Body, out var ok));
        Assert.Equal(AuthenticationRequestType.AuthenticationOk, ok.Type);
        Assert.True(AuthenticationMessage.TryParse(ReadOne(BackendMessages.WriteAuthenticationCleartextPassword, (byte)'R').Body, out var clear));
        Assert.Equal(AuthenticationRequestType.AuthenticationCleartextPassword, clear.Type);
        Assert.True(AuthenticationMessage.TryParse(ReadOne(w => BackendMessages.WriteAuthenticationMD5Password(w, [9, 8, 7, 6]), (byte)'R').Body, out var md5));
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, md5.GetMd5Salt());
        Assert.True(AuthenticationMessage.TryParse(ReadOne(w => BackendMessages.WriteAuthenticationSASL(w, ScramServer.MechanismPlus, ScramServer.Mechanism), (byte)'R').Body, out var sasl));
        Assert.Equal([ScramServer.MechanismPlus, ScramServer.Mechanism], sasl.GetSaslMechanisms());
        Assert.True(AuthenticationMessage.TryParse(ReadOne(w => BackendMessages.WriteAuthenticationSASLContinue(w, "r=abc"u8), (byte)'R').Body, out var cont));
        Assert.Equal("r=abc"u8.ToArray(), cont.Data.ToArray());
        Assert.True(AuthenticationMessage.TryParse(ReadOne(w => BackendMessages.WriteAuthenticationSASLFinal(w, "v=xyz"u8), (byte)'R').Body, out var final));
        Assert.Equal(AuthenticationRequestType.AuthenticationSASLFinal, final.Type);
    }

    [Fact]
    public void SessionWriters_ReadBack()
    {
        Assert.True(ParameterStatusMessage.TryParse(ReadOne(w => BackendMessages.WriteParameterStatus(w, "TimeZone", "Europe/Zürich"), (byte)'S').Body, out var ps));
        Assert.Equal(new ParameterStatusMessage("TimeZone", "Europe/Zürich"), ps);
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.True(BackendKeyDataMessage.TryParse(ReadOne(w => BackendMessages.WriteBackendKeyData(w, 77, key), (byte)'K').Body, out var kd));
        Assert.Equal(77, kd.ProcessId);
        Assert.Equal(key, kd.SecretKey);
        foreach (var status in Enum.GetValues<TransactionStatus>())
        {
            Assert.True(ReadyForQueryMessage.TryParse(ReadOne(w => BackendMessages.WriteReadyForQuery(w, status), (byte)'Z').Body, out var s));
            Assert.Equal(status, s);
        }
        Assert.True(NegotiateProtocolVersionMessage.TryParse(ReadOne(w => BackendMessages.WriteNegotiateProtocolVersion(w, 2, "_pq_.a", "_pq_.b"), (byte)'v').Body, out var npv));
        Assert.Equal(2, npv.NewestMinorVersion);
        Assert.Equal(["_pq_.a", "_pq_.b"], npv.UnrecognizedOptions);
        Assert.True(NotificationResponseMessage.TryParse(ReadOne(w => BackendMessages.WriteNotificationResponse(w, 5, "chan", ""), (byte)'A').Body, out var note));
        Assert.Equal(new NotificationResponseMessage(5, "chan", ""), note);
    }

    [Fact]
    public void ErrorAndNoticeWriters_ReadBack()
    {
        var e = ReadOne(w => BackendMessages.WriteErrorResponse(w, ErrorFields.Fatal, SqlState.TooManyConnections, "no more connections allowed (max_client_conn)", "detail ü", "a hint"), (byte)'E');
        Assert.True(ErrorFields.TryParse(e.Body, out var fields));
        Assert.Equal((ErrorFields.Fatal, ErrorFields.Fatal, SqlState.TooManyConnections), (fields.Severity, fields.InvariantSeverity, fields.SqlState));
        Assert.Equal(("no more connections allowed (max_client_conn)", "detail ü", "a hint"), (fields.Message, fields.Detail, fields.Hint));
        var n = ReadOne(w => BackendMessages.WriteNoticeResponse(w, ErrorFields.Notice, "00000", "pooler notice"), (byte)'N');
        Assert.True(ErrorFields.TryParse(n.Body, out var notice));
        Assert.Null(notice.Detail);
        Assert.Equal("pooler notice", notice.Message);
    }

    [Fact]
    public void ResultWriters_ReadBack()
    {
        ColumnDescription[] columns = [ColumnDescription.Text("database"), ColumnDescription.Int8("cl_active"), new("x", 1700, -1, 65540, 1234, 2, 0)];
        Assert.True(RowDescriptionMessage.TryParse(ReadOne(w => BackendMessages.WriteRowDescription(w, columns), (byte)'T').Body, out var read));
        Assert.Equal(columns, read);
        string?[] values = ["pooler", null, "", "ünïcode"];
        Assert.True(RowDescriptionMessage.TryParseDataRow(ReadOne(w => BackendMessages.WriteDataRow(w, values), (byte)'D').Body, out var row));
        Assert.Equal(values, row);
        Assert.True(CommandCompleteMessage.TryParse(ReadOne(w => BackendMessages.WriteCommandComplete(w, "SHOW"), (byte)'C').Body, out var tag));
        Assert.Equal("SHOW", tag);
        Assert.Equal(0, ReadOne(BackendMessages.WriteEmptyQueryResponse, (byte)'I').BodyLength);
    }

    [Fact]
    public void FrontendWriters_ReadBack()
    {
        Assert.True(PasswordMessage.TryParse(ReadOne(w => FrontendMessages.WritePasswordMessage(w, "md5abc"), (byte)'p').Body, out var pw));
        Assert.Equal("md5abc", pw);
        Assert.True(SaslInitialResponseMessage.TryParse(ReadOne(w => FrontendMessages.WriteSASLInitialResponse(w, "SCRAM-SHA-256", "n,,n=,r=x"u8), (byte)'p').Body, out var init));
        Assert.Equal(("SCRAM-SHA-256", true, "n,,n=,r=x"), (init.Mechanism, init.HasData, System.Text.Encoding.UTF8.GetString(init.Data.ToArray())));
        Assert.True(SaslInitialResponseMessage.TryParse(ReadOne(w => FrontendMessages.WriteSASLInitialResponse(w, "X", default, hasData: false), (byte)'p').Body, out var noData));
        Assert.False(noData.HasData);
        Assert.Equal("c=biws", System.Text.Encoding.UTF8.GetString(ReadOne(w => FrontendMessages.WriteSASLResponse(w, "c=biws"u8), (byte)'p').Body.ToArray()));
        Assert.True(QueryMessage.TryParse(ReadOne(w => FrontendMessages.WriteQuery(w, "SHOW POOLS;"), (byte)'Q').Body, out var sql));
        Assert.Equal("SHOW POOLS;", sql);
        Assert.True(ParseMessage.TryParse(ReadOne(w => FrontendMessages.WriteParse(w, "s1", "select $1, $2", [23u, 0u]), (byte)'P').Body, out var parse));
        Assert.Equal(("s1", "select $1, $2"), (parse.StatementName, parse.Query));
        Assert.Equal(new uint[] { 23, 0 }, parse.GetParameterTypes());
        Assert.True(BindMessage.TryParse(ReadOne(w => FrontendMessages.WriteBind(w, "", "s1", ["1", null]), (byte)'B').Body, out var bind));
        Assert.Equal(("", "s1"), (bind.PortalName, bind.StatementName));
        Assert.True(TargetedMessage.TryParse(ReadOne(w => FrontendMessages.WriteDescribe(w, StatementTarget.Statement, "s1"), (byte)'D').Body, out var describe));
        Assert.Equal((StatementTarget.Statement, "s1"), (describe.Target, describe.Name));
        Assert.True(TargetedMessage.TryParse(ReadOne(w => FrontendMessages.WriteClose(w, StatementTarget.Portal, "p"), (byte)'C').Body, out var close));
        Assert.Equal((StatementTarget.Portal, "p"), (close.Target, close.Name));
        Assert.True(ExecuteMessage.TryParse(ReadOne(w => FrontendMessages.WriteExecute(w, "p", 10), (byte)'E').Body, out var execute));
        Assert.Equal(("p", 10), (execute.PortalName, execute.MaxRows));
        Assert.Equal(0, ReadOne(FrontendMessages.WriteSync, (byte)'S').BodyLength);
        Assert.Equal(0, ReadOne(FrontendMessages.WriteFlush, (byte)'H').BodyLength);
        Assert.Equal(0, ReadOne(FrontendMessages.WriteTerminate, (byte)'X').BodyLength);
    }

    [Fact]
    public void HeaderWriters_PlusForwardedRest_EqualTheWholeMessage()
    {
        var parse = Sequences.Write(w => FrontendMessages.WriteParse(w, "old", "select 1", [25u]));
        Assert.True(ParseMessage.TryParse(new ReadOnlySequence<byte>(parse, 5, parse.Length - 5), out var p));
        var rest = parse.AsSpan(5 + "old".Length + 1).ToArray();
        var rebuilt = Sequences.Write(w => FrontendMessages.WriteParseHeader(w, "renamed", rest.Length)).Concat(rest).ToArray();
        Assert.Equal(Sequences.Write(w => FrontendMessages.WriteParse(w, "renamed", "select 1", [25u])), rebuilt);
        Assert.Equal("old", p.StatementName);
    }

    [Fact]
    public void StartupWriters_ReadBack()
    {
        var bytes = Sequences.Write(w => FrontendMessages.WriteStartupMessage(w, ProtocolVersions.V3_2, [new("user", "ü"), new("replication", "database")]));
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var frame, out _));
        Assert.True(StartupMessage.TryParse(frame, out var startup, out _));
        Assert.Equal(("ü", "database", "ü"), (startup.User, startup.Replication, startup.EffectiveDatabase));
        Assert.Equal(new byte[] { (byte)'N' }, Sequences.Write(w => BackendMessages.WriteEncryptionResponse(w, false)));
        Assert.Equal(new byte[] { (byte)'S' }, Sequences.Write(w => BackendMessages.WriteEncryptionResponse(w, true)));
    }
}
