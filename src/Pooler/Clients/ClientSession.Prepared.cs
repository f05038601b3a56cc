// Transaction and statement mode: the client's named prepared statements follow it from server to server, its
// SQL-level PREPARE/EXECUTE/DEALLOCATE are refused, and every message's reply is accounted for on the server.
using System.Buffers;
using System.Text;
using Pooler.Config;
using Pooler.Prepared;
using Pooler.Protocol;
using Pooler.Servers;

namespace Pooler.Clients;

internal sealed partial class ClientSession : ISessionStateOwner
{
    // Messages up to this size are held whole; larger ones are collected in Accumulated (bounded by max_packet_size)
    // so that the pipe never holds more than its pause threshold, except Bind, whose head is renamed and rest streamed.
    private const int WholeLimit = 16 * 1024;

    private static readonly ReadOnlySequence<byte> s_noParameterTypes = new(new byte[2]);

    // Made on first use (Prepared): an idle client, or one that sends only simple queries, holds none.
    private ClientPreparedState? _prepared;

    private ClientPreparedState Prepared => _prepared ??= new ClientPreparedState();

    /// <summary>Named prepared statements this client has (the pooler's record; 0 in session mode, where the server keeps them).</summary>
    public int PreparedStatementCount => _prepared?.Statements?.Count ?? 0;

    /// <summary>Parse messages from this client (named and unnamed).</summary>
    public long ParseCount => _prepared?.ParseCount ?? 0;

    public long BindCount => _prepared?.BindCount ?? 0;

    private bool TracksReplies => Mode != PoolMode.Session;

    private bool TracksStatements => TracksReplies && _rt.Options.MaxPreparedStatements > 0;

    private string RefusalSql => Mode == PoolMode.Statement ? s_refusalStatementMode : s_refusalTransactionMode;

    private static readonly string s_refusalTransactionMode = Refusal("transaction");
    private static readonly string s_refusalStatementMode = Refusal("statement");

    // The server itself raises the error: it then aborts the transaction and skips to Sync exactly as for any error,
    // so no reply has to be invented and the order of replies stays the server's.
    private static string Refusal(string mode) =>
        "DO $pooler$BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'SQL-level PREPARE, EXECUTE and DEALLOCATE are "
        + $"not supported in {mode} pooling mode', HINT = 'Use protocol-level prepared statements (the driver''s prepare), "
        + "which the pooler keeps per client, or session pooling mode.'; END$pooler$";

    // In transaction and statement mode, the messages that are rewritten or tracked are held whole (RentScanner).
    private static readonly MessageCodeSet s_trackedCodes = MessageCodeSet.Of(FrontendMessageCode.Terminate,
        FrontendMessageCode.Parse, FrontendMessageCode.Bind, FrontendMessageCode.Describe, FrontendMessageCode.Close,
        FrontendMessageCode.Query, FrontendMessageCode.Execute);

    /// <summary>
    /// Forward one scanned piece in tracking mode. True when handled here (rewritten, answered, collected or
    /// tracked and written); false for plain pass-through bytes. <paramref name="error"/> reports a malformed message.
    /// </summary>
    private bool ForwardTracked(in ScanResult scan, ServerConnection server, out string? error)
    {
        error = null;
        switch (scan.Status)
        {
            case ScanStatus.Frame:
                error = OnWholeMessage(scan.Frame, server);
                return true;
            case ScanStatus.LargeMessageStart:
                if (scan.Code == (byte)FrontendMessageCode.Bind && TryStreamLargeBind(scan, server))
                    return true;
                var held = Prepared;
                held.Accumulated = new byte[FrameReader.HeaderLength + (long)scan.Length - 4];
                scan.Bytes.CopyTo(held.Accumulated);
                held.AccumulatedLength = (int)scan.Bytes.Length;
                return true;
            case ScanStatus.Forward when _prepared?.Accumulated is { } accumulated:
                scan.Bytes.CopyTo(accumulated.AsSpan(_prepared.AccumulatedLength));
                _prepared.AccumulatedLength += (int)scan.Bytes.Length;
                if (scan.EndsMessage)
                {
                    var whole = new Frame(scan.Code, scan.Length, new ReadOnlySequence<byte>(accumulated));
                    _prepared.Accumulated = null;
                    error = OnWholeMessage(whole, server);
                }
                return true;
            case ScanStatus.MessageStart:
                if (scan.Code == (byte)FrontendMessageCode.Sync)
                    server.Expect(new ExpectedReply(ReplyKind.Sync));
                else if (scan.Code == (byte)FrontendMessageCode.FunctionCall)
                    server.Expect(new ExpectedReply(ReplyKind.Query));
                return false;
            default:
                return false;
        }
    }

    /// <summary>A Bind too large to hold: rename the statement in its head and let the parameters stream on.</summary>
    private bool TryStreamLargeBind(in ScanResult scan, ServerConnection server)
    {
        var body = scan.Bytes.Slice(FrameReader.HeaderLength);
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadTo(out ReadOnlySequence<byte> portalBytes, 0) || !r.TryReadTo(out ReadOnlySequence<byte> statementBytes, 0))
            return false;
        var portal = Encoding.UTF8.GetString(portalBytes);
        var statement = Encoding.UTF8.GetString(statementBytes);
        var serverName = ServerStatementName(statement, server, out var key);
        var rest = r.UnreadSequence;
        int restLength = scan.Length - 4 - (int)r.Consumed;
        FrontendMessages.WriteBindHeader(server.Output.Writer, portal, serverName, restLength);
        foreach (var segment in rest)
            server.Output.Writer.Write(segment.Span);
        RecordBind(server, portal, statement, key);
        return true;
    }

    private string? OnWholeMessage(Frame frame, ServerConnection server)
    {
        var w = server.Output.Writer;
        switch (frame.FrontendCode)
        {
            case FrontendMessageCode.Parse:
                if (!ParseMessage.TryParse(frame.Body, out var parse))
                    return "invalid Parse message";
                OnParse(parse, frame, server);
                return null;
            case FrontendMessageCode.Bind:
                if (!BindMessage.TryParse(frame.Body, out var bind))
                    return "invalid Bind message";
                var statement = bind.StatementName;
                var serverName = ServerStatementName(statement, server, out var key);
                if (serverName == statement)
                    Write(w, frame.Raw);
                else
                    FrontendMessages.WriteBind(w, bind.PortalName, serverName, bind.Parameters);
                RecordBind(server, bind.PortalName, statement, key);
                return null;
            case FrontendMessageCode.Describe:
                if (!TargetedMessage.TryParse(frame.Body, out var describe))
                    return "invalid Describe message";
                if (describe.Target == StatementTarget.Statement && describe.NameBytes.Length > 0 && TracksStatements)
                    FrontendMessages.WriteDescribe(w, StatementTarget.Statement, ServerStatementName(describe.Name, server, out _));
                else
                    Write(w, frame.Raw);
                server.Expect(new ExpectedReply(ReplyKind.Describe));
                return null;
            case FrontendMessageCode.Close:
                if (!TargetedMessage.TryParse(frame.Body, out var close))
                    return "invalid Close message";
                if (close.Target == StatementTarget.Statement && close.NameBytes.Length > 0 && TracksStatements)
                {
                    // The statement stays on the server for whoever prepares the same text next (LRU evicts it).
                    _prepared?.Statements?.Remove(close.Name);
                    server.Expect(new ExpectedReply(ReplyKind.SynthesisedCloseComplete));
                    return null;
                }
                if (close.Target == StatementTarget.Portal)
                    _prepared?.PortalCommands?.Remove(close.Name);
                Write(w, frame.Raw);
                server.Expect(new ExpectedReply(ReplyKind.Close));
                return null;
            case FrontendMessageCode.Execute:
                var er = new SequenceReader<byte>(frame.Body);
                if (!er.TryReadTo(out ReadOnlySequence<byte> portalName, 0))
                    return "invalid Execute message";
                Write(w, frame.Raw);
                var command = _prepared?.PortalCommands is not { Count: > 0 } portals ? null : portals.GetValueOrDefault(Encoding.UTF8.GetString(portalName));
                server.Expect(new ExpectedReply(ReplyKind.Execute) { Command = command, Client = this });
                return null;
            case FrontendMessageCode.Query:
                SqlScript script;
                if (QueryMessage.TryGetUtf8(frame.Body, out var utf8) && SqlClassifier.IsPlainSingleStatement(utf8))
                    script = SqlScript.Plain;
                else if (QueryMessage.TryParse(frame.Body, out var sql))
                    script = SqlClassifier.ClassifyScript(sql);
                else
                    return "invalid Query message";
                if (script.Refused)
                {
                    FrontendMessages.WriteQuery(w, RefusalSql);
                    if (_rt.Log.IsEnabled(Serilog.Events.LogEventLevel.Debug))
                        Log.Debug("refused SQL-level PREPARE/EXECUTE/DEALLOCATE");
                }
                else
                {
                    Write(w, frame.Raw);
                }
                server.Expect(new ExpectedReply(ReplyKind.Query) { Script = script.SetCommands.Length > 0 ? script : null, Client = this });
                return null;
            default:
                Write(w, frame.Raw);
                return null;
        }
    }

    private void OnParse(in ParseMessage parse, Frame frame, ServerConnection server)
    {
        var state = Prepared;
        state.ParseCount++;
        server.Pool.Stats.ClientParseCount++;
        var w = server.Output.Writer;
        var name = parse.StatementName;
        var query = parse.Query;
        if (name.Length == 0 || !TracksStatements)
        {
            // Unnamed statements live until the next Parse or Sync on the same server: nothing to carry across.
            var command = SqlClassifier.ClassifySingle(query);
            if (command.Kind == SqlCommandKind.Refused)
                FrontendMessages.WriteParse(w, name, RefusalSql, s_noParameterTypes);
            else
                Write(w, frame.Raw);
            server.CountParse();
            if (name.Length == 0)
                state.UnnamedCommand = command;
            server.Expect(new ExpectedReply(ReplyKind.Parse));
            return;
        }
        var key = StatementKey.From(query, parse.ParameterTypes);
        if (key.Command.Kind == SqlCommandKind.Refused)
            key = new StatementKey(RefusalSql, s_noParameterTypes.ToArray());
        var statements = state.Statements ??= new ClientStatements();
        statements.Set(name, key);
        if (server.FindStatement(key) is not null)
            server.Expect(new ExpectedReply(ReplyKind.SynthesisedParseComplete));
        else
            server.WriteParse(key, _rt.Options.MaxPreparedStatements, injected: false, statements, name);
    }

    /// <summary>
    /// The name to use on <paramref name="server"/> for the client's statement <paramref name="name"/>, preparing it
    /// there first (Parse injected, its ParseComplete swallowed) when the server lacks it.
    /// </summary>
    private string ServerStatementName(string name, ServerConnection server, out StatementKey? key)
    {
        key = null;
        if (name.Length == 0 || !TracksStatements)
            return name;
        key = _prepared?.Statements?.Get(name);
        if (key is null)
        {
            // The server answers "does not exist" with the client's own name; only a name shaped like the pooler's
            // could exist there (as another client's statement), so it is changed into one that cannot.
            return IsPoolerStatementName(name) ? "pooler_unknown_" + name : name;
        }
        return server.FindStatement(key) ?? server.WriteParse(key, _rt.Options.MaxPreparedStatements, injected: true);
    }

    private static bool IsPoolerStatementName(string name) =>
        name.Length > 2 && name.StartsWith("P_", StringComparison.Ordinal) && name.AsSpan(2).IndexOfAnyExceptInRange('0', '9') < 0;

    private void RecordBind(ServerConnection server, string portal, string statement, StatementKey? key)
    {
        var state = Prepared;
        state.BindCount++;
        server.Pool.Stats.BindCount++;
        var command = statement.Length == 0 ? state.UnnamedCommand : key?.Command ?? SqlCommand.Other;
        if (command.Kind == SqlCommandKind.Other)
            state.PortalCommands?.Remove(portal);
        else
            (state.PortalCommands ??= new(StringComparer.Ordinal))[portal] = command;
        server.Expect(new ExpectedReply(ReplyKind.Bind));
    }

    private static void Write(IBufferWriter<byte> w, in ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
            w.Write(segment.Span);
    }

    /// <summary>After a batch: write the replies the pooler answers itself if nothing from the server comes before them.</summary>
    private async ValueTask DrainSynthesisedAsync(ServerConnection server)
    {
        if (!server.CanDrainFromClient)
            return;
        await Output.WaitReadyAsync();
        if (server.CanDrainFromClient && server.DrainSynthesised(Output.Writer))
            await Output.FlushAsync();
    }

    void ISessionStateOwner.OnSettingCommitted(SqlCommand command) => Parameters.Apply(command);

    void ISessionStateOwner.OnStatementsDiscarded(bool discardAll)
    {
        _prepared?.Statements?.Clear();
        _prepared?.PortalCommands?.Clear();
        if (discardAll)
            Parameters.ClearSessionSettings();
    }
}
