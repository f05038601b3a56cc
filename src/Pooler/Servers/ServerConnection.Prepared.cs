// Prepared statements and session settings on one server: its statement cache, and the queue of replies still to
// come that lets the pooler inject, swallow and synthesise replies in the right order.
using System.Buffers;
using Pooler.Pools;
using Pooler.Prepared;
using Pooler.Protocol;

namespace Pooler.Servers;

internal sealed partial class ServerConnection
{
    private readonly Queue<ExpectedReply> _replies = new();
    private readonly List<CachedStatement> _evicted = [];
    private readonly Dictionary<string, string> _sessionSettings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(ISessionStateOwner Client, SqlCommand Command)> _pendingSettings = [];
    private ServerStatementCache? _statementCache;
    private bool _transactionFailed;
    private bool _forwardCurrent = true;
    private bool _readerBusy;

    /// <summary>Set by the linked client in transaction and statement mode: replies are matched to <see cref="Expect"/>ed entries.</summary>
    public bool TracksReplies { get; set; }

    /// <summary>Extended-protocol messages sent since the last Sync: the server cannot change hands before their Sync.</summary>
    public int UnsyncedMessages { get; set; }

    /// <summary>Messages sent or answered whose replies are not complete yet (a client leaving now leaves a dirty server).</summary>
    public bool HasUnfinishedExchange => UnsyncedMessages > 0 || _replies.Count > 0;

    public int PreparedStatementCount => _statementCache?.Count ?? 0;

    /// <summary>Parse messages this server received (client Parses it lacked plus re-prepares before Bind/Describe).</summary>
    public long ParseCount { get; private set; }

    /// <summary>Unreported settings the pooler knows differ from the login defaults here: name → value as SQL text.</summary>
    public IReadOnlyDictionary<string, string> SessionSettings => _sessionSettings;

    public void RecordSessionSetting(string name, string sqlValue)
    {
        SettingsChanged();
        _sessionSettings[name] = sqlValue;
    }

    public void ForgetSessionSetting(string name)
    {
        SettingsChanged();
        _sessionSettings.Remove(name);
    }

    /// <summary>Whether the server reported <paramref name="name"/> (asked per tracked parameter at every link).</summary>
    public bool IsReported(string name) => _reported.Contains(name);

    /// <summary>For logs: unsynced count and the kinds still expected.</summary>
    public string DescribeExchange() => $"unsynced {UnsyncedMessages}, expecting [{string.Join(", ", _replies.Select(r => r.Kind))}]";

    public void Expect(ExpectedReply reply) => _replies.Enqueue(reply);

    /// <summary>The server's session was reset (server_reset_query): its statements and settings are gone.</summary>
    private void ForgetSessionState()
    {
        SettingsChanged();
        _statementCache?.Clear();
        _sessionSettings.Clear();
        _pendingSettings.Clear();
    }

    /// <summary>The server's name for <paramref name="key"/> if it already has the statement (marked recently used).</summary>
    public string? FindStatement(StatementKey key) => _statementCache?.Get(key)?.ServerName;

    /// <summary>
    /// Write a Parse for <paramref name="key"/> under a new server-side name (closing what the LRU evicts first) and
    /// expect its ParseComplete, forwarded for the client's own Parse, swallowed for one the pooler injects.
    /// </summary>
    public string WriteParse(StatementKey key, int capacity, bool injected, ClientStatements? map = null, string? clientName = null)
    {
        _statementCache ??= new ServerStatementCache(capacity);
        _statementCache.Capacity = capacity;
        _evicted.Clear();
        var entry = _statementCache.Add(key, _evicted);
        var w = Output.Writer;
        foreach (var old in _evicted)
        {
            FrontendMessages.WriteClose(w, StatementTarget.Statement, old.ServerName);
            Expect(new ExpectedReply(ReplyKind.Close) { Swallow = true });
            UnsyncedMessages++;
        }
        FrontendMessages.WriteParse(w, entry.ServerName, key.Query, new ReadOnlySequence<byte>(key.ParameterTypes));
        Expect(new ExpectedReply(ReplyKind.Parse) { Swallow = injected, Cached = entry, ClientMap = map, ClientName = clientName });
        UnsyncedMessages++;
        CountParse();
        return entry.ServerName;
    }

    /// <summary>A Parse reached this server (written by the pooler or passed through unnamed).</summary>
    public void CountParse()
    {
        ParseCount++;
        Pool.Stats.ServerParseCount++;
    }

    /// <summary>
    /// Match one reply (at its first bytes) to the head of the queue. Sets <paramref name="forward"/> to false for
    /// replies to injected messages. A non-null result means the exchange is out of step: the server is unusable.
    /// </summary>
    private PoolError? OnTrackedReply(in ScanResult scan, out bool forward)
    {
        forward = true;
        if (_replies.Count == 0)
            return null;
        var head = _replies.Peek();
        switch ((BackendMessageCode)scan.Code)
        {
            case BackendMessageCode.ParseComplete:
                if (head.Kind != ReplyKind.Parse)
                    return OutOfStep(scan.Code, head);
                _replies.Dequeue();
                forward = !head.Swallow;
                return null;
            case BackendMessageCode.BindComplete:
                return Complete(ReplyKind.Bind, scan.Code, head);
            case BackendMessageCode.CloseComplete:
                if (head.Kind != ReplyKind.Close)
                    return OutOfStep(scan.Code, head);
                _replies.Dequeue();
                forward = !head.Swallow;
                return null;
            case BackendMessageCode.NoData:
                return Complete(ReplyKind.Describe, scan.Code, head);
            case BackendMessageCode.RowDescription:
                if (head.Kind == ReplyKind.Describe)
                    _replies.Dequeue();
                return null;
            case BackendMessageCode.CommandComplete:
                if (scan.Status == ScanStatus.Frame && CommandCompleteMessage.ClassifySessionTag(scan.Frame.Body) is var tag and not SessionTag.Other)
                    OnCommandTag(tag, head);
                return head.Kind == ReplyKind.Execute ? Complete(ReplyKind.Execute, scan.Code, head) : null;
            case BackendMessageCode.EmptyQueryResponse:
            case BackendMessageCode.PortalSuspended:
                return head.Kind == ReplyKind.Execute ? Complete(ReplyKind.Execute, scan.Code, head) : null;
            case BackendMessageCode.ErrorResponse:
                OnErrorReply(head);
                return null;
            case BackendMessageCode.ReadyForQuery:
                if (head.Kind is not (ReplyKind.Sync or ReplyKind.Query))
                    return OutOfStep(scan.Code, head);
                _replies.Dequeue();
                if (scan.Status == ScanStatus.Frame && ReadyForQueryMessage.TryParse(scan.Frame.Body, out var status)
                    && status == TransactionStatus.Idle)
                    EndTransaction(committed: !_transactionFailed);
                return null;
            default:
                return null;
        }
    }

    private PoolError? Complete(ReplyKind expected, byte code, ExpectedReply head)
    {
        if (head.Kind != expected)
            return OutOfStep(code, head);
        _replies.Dequeue();
        return null;
    }

    private PoolError OutOfStep(byte code, ExpectedReply head)
    {
        Log.Warning("reply '{Code}' does not match the expected {Expected}; closing the server", (char)code, head.Kind);
        return new PoolError(SqlState.ProtocolViolation, $"server reply '{(char)code}' out of step with the pooler's record ({head.Kind})");
    }

    /// <summary>
    /// An error ends the current message; in the extended protocol the server then skips everything up to Sync, so
    /// the skipped messages get no reply (synthesised ones included) and statements they would have created do not exist.
    /// </summary>
    private void OnErrorReply(ExpectedReply head)
    {
        _transactionFailed = true;
        if (head.Kind is ReplyKind.Sync or ReplyKind.Query)
            return;
        while (_replies.Count > 0 && _replies.Peek().Kind != ReplyKind.Sync)
        {
            var skipped = _replies.Dequeue();
            if (skipped.Kind == ReplyKind.Parse && skipped.Cached is { } cached)
            {
                _statementCache?.Remove(cached);
                if (skipped.ClientMap is { } map)
                    map.RemoveIfSame(skipped.ClientName!, cached.Key);
            }
        }
    }

    private void OnCommandTag(SessionTag tag, ExpectedReply head)
    {
        var client = head.Client;
        switch (tag)
        {
            case SessionTag.Set or SessionTag.Reset:
                var command = head.Kind == ReplyKind.Execute ? head.Command
                    : head.Script is { } script && head.NextSetCommand < script.SetCommands.Length ? script.SetCommands[head.NextSetCommand++]
                    : null;
                if (client is not null && command is { Kind: SqlCommandKind.Set or SqlCommandKind.Reset or SqlCommandKind.ResetAll })
                    _pendingSettings.Add((client, command));
                break;
            case SessionTag.Commit:
                EndTransaction(committed: !_transactionFailed);
                break;
            case SessionTag.Rollback:
                EndTransaction(committed: false);
                break;
            case SessionTag.DiscardAll:
                ForgetSessionState();
                client?.OnStatementsDiscarded(discardAll: true);
                break;
            case SessionTag.DeallocateAll:
                _statementCache?.Clear();
                client?.OnStatementsDiscarded(discardAll: false);
                break;
        }
    }

    /// <summary>SETs take effect when their transaction commits (a rolled-back SET is undone by PostgreSQL too).</summary>
    private void EndTransaction(bool committed)
    {
        if (committed)
        {
            if (_pendingSettings.Count > 0) SettingsChanged();
            foreach (var (client, command) in _pendingSettings)
            {
                if (command.Name is { } name && IsReported(name))
                    continue;                              // ParameterStatus already told both sides
                switch (command.Kind)
                {
                    case SqlCommandKind.Set:
                        _sessionSettings[command.Name!] = command.Value!;
                        break;
                    case SqlCommandKind.Reset:
                        _sessionSettings.Remove(command.Name!);
                        break;
                    case SqlCommandKind.ResetAll:
                        foreach (var key in _sessionSettings.Keys.ToList())
                        {
                            if (!SessionSettingsRules.SurvivesResetAll(key))
                                _sessionSettings.Remove(key);
                        }
                        break;
                }
                client.OnSettingCommitted(command);
            }
        }
        _pendingSettings.Clear();
        _transactionFailed = false;
    }

    /// <summary>
    /// Write the replies the pooler answers itself that are now at the head of the queue (everything before them has
    /// been forwarded). Only between whole messages of the server's reply stream.
    /// </summary>
    public bool DrainSynthesised(IBufferWriter<byte> client)
    {
        var wrote = false;
        while (_replies.Count > 0 && _replies.Peek().IsSynthesised)
        {
            var reply = _replies.Dequeue();
            BackendMessages.WriteEmpty(client, reply.Kind == ReplyKind.SynthesisedParseComplete
                ? BackendMessageCode.ParseComplete : BackendMessageCode.CloseComplete);
            wrote = true;
        }
        return wrote;
    }

    /// <summary>True when the client's loop may write synthesised replies itself: the server's loop is not mid-message.</summary>
    public bool CanDrainFromClient => _replies.Count > 0 && _replies.Peek().IsSynthesised && !_readerBusy && !_scanner.InMessage;

    /// <summary>A client links: nothing of the last one's exchange may remain; replies are tracked in transaction and statement mode.</summary>
    public void BeginExchange(bool trackReplies)
    {
        TracksReplies = trackReplies;
        _replies.Clear();
        UnsyncedMessages = 0;
        _pendingSettings.Clear();
        _transactionFailed = false;
        _forwardCurrent = true;
    }
}
