// One connection to PostgreSQL: its login state, the parameters it reported, and who it currently serves.
using System.Net;
using Pooler.Io;
using Pooler.Pools;
using Pooler.Protocol;
using Serilog;

namespace Pooler.Servers;

/// <summary>
/// A logged-in server connection. It owns the only reader of its socket for its whole life (see the Reader
/// partial), so a dead server is noticed even while idle in the pool. Loop-thread only.
/// </summary>
internal sealed partial class ServerConnection : IPooledServer
{
    private static long s_nextId;
    // Not readonly: after a TLS handshake it becomes the TlsConnection (ServerConnection.Tls.cs), Output with it.
    private IoConnection _conn;
    private readonly Dictionary<string, string> _parameters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _parameterOrder = [];
    // The same names as _parameterOrder, for IsReported's lookup at every link.
    private readonly HashSet<string> _reported = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _assumed = new(StringComparer.OrdinalIgnoreCase);

    private ServerConnection(IoConnection conn, Pool pool, ServerTarget target, EndPoint endPoint, ILogger log)
    {
        Id = Interlocked.Increment(ref s_nextId);
        _conn = conn;
        Pool = pool;
        Target = target;
        EndPoint = endPoint;
        Name = $"S-{Id}";
        Log = log.ForContext("Conn", Name);
        Output = new GuardedOutput(conn.Output);
    }

    public long Id { get; }

    public string Name { get; }

    public Pool Pool { get; }

    public ServerTarget Target { get; }

    /// <summary>Where the server is, for sending it a CancelRequest on a new connection.</summary>
    public EndPoint EndPoint { get; }

    public ILogger Log { get; }

    public GuardedOutput Output { get; private set; }

    public ServerState State { get; private set; } = ServerState.Login;

    public bool IsUsable => State != ServerState.Closed;

    public DateTimeOffset ConnectedAt { get; set; }

    public DateTimeOffset IdleSince { get; set; }

    /// <summary>The server's own BackendKeyData, used only to forward a client's cancel.</summary>
    public BackendKeyDataMessage? BackendKey { get; private set; }

    /// <summary>Transaction status from the last ReadyForQuery.</summary>
    public TransactionStatus TransactionStatus { get; private set; } = TransactionStatus.Idle;

    /// <summary>ReadyForQuery messages still expected (one per Query, Sync or FunctionCall sent).</summary>
    public int PendingReady { get; set; }

    /// <summary>Of <see cref="PendingReady"/>, how many belong to the pooler's own queries, whose responses are not forwarded.</summary>
    public int SwallowReady { get; private set; }

    public IServerOwner? Owner { get; private set; }

    /// <summary>True when the server is between queries and outside a transaction: safe to hand to another client.</summary>
    public bool IsIdleOutsideTransaction => PendingReady == 0 && TransactionStatus == TransactionStatus.Idle;

    public IReadOnlyDictionary<string, string> Parameters => _parameters;

    /// <summary>The reported parameters in the order the server sent them (replayed to clients at login).</summary>
    public List<KeyValuePair<string, string>> ParameterList()
    {
        var list = new List<KeyValuePair<string, string>>(_parameterOrder.Count);
        foreach (var name in _parameterOrder)
            list.Add(new(name, _parameters[name]));
        return list;
    }

    public void Link(IServerOwner owner)
    {
        Owner = owner;
        State = ServerState.Linked;
    }

    /// <summary>Back to the pool's idle list (the pool calls nothing on the server, so the state is set by the caller).</summary>
    public void MarkIdle()
    {
        Owner = null;
        State = ServerState.Idle;
    }

    /// <summary>Write one of the pooler's own queries; its responses are consumed here, not forwarded.</summary>
    public void WriteInternalQuery(string sql)
    {
        FrontendMessages.WriteQuery(Output.Writer, sql);
        PendingReady++;
        SwallowReady++;
    }

    /// <summary>
    /// The client let go of the server. A server that is idle outside a transaction goes back to the pool (after
    /// <paramref name="resetQuery"/> when given); one inside a transaction gets a ROLLBACK first; one still running a
    /// query is cancelled and closed, because its results could not be told apart from the next client's.
    /// </summary>
    public async ValueTask ReleaseAsync(string? resetQuery)
    {
        Owner = null;
        if (State == ServerState.Closed)
        {
            Pool.Release(this, reusable: false);
            return;
        }
        if (Pool.IsShutdown)
        {
            // No ROLLBACK or reset to wait for: PostgreSQL rolls back when the connection closes, and waiting could
            // race the engine's own shutdown.
            Close(Pool.ShutdownReason);
            Pool.Release(this, reusable: false);
            return;
        }
        if (PendingReady > SwallowReady || HasUnfinishedExchange)
        {
            State = ServerState.Cleaning;
            SendCancel();
            Close("client left while a query was running");
            Pool.Release(this, reusable: false);
            return;
        }
        // Separate Query messages: DISCARD ALL refuses to run inside the implicit block of a multi-statement query.
        var rollback = TransactionStatus != TransactionStatus.Idle;
        var reset = resetQuery is { Length: > 0 };
        if (!rollback && !reset && PendingReady == 0)
        {
            MarkIdle();
            Pool.Release(this, reusable: true);
            return;
        }
        State = ServerState.Cleaning;
        await Output.WaitReadyAsync();
        if (PendingReady == 0)
            ResetInternalFailure();
        // Anything already written (e.g. a parameter sync) goes out with the flush below.
        if (rollback)
            WriteInternalQuery("ROLLBACK");
        if (reset)
        {
            WriteInternalQuery(resetQuery!);
            ForgetAssumedParameters();
            ForgetSessionState();
        }
        if (!await Output.FlushAsync())
        {
            Close("lost while cleaning up");
            Pool.Release(this, reusable: false);
        }
        // The read loop releases the server once the last pending ReadyForQuery arrives (FinishCleaning).
    }

    /// <summary>Forward a client's cancel to this server on a new connection, with the server's own key.</summary>
    public void SendCancel() => _ = SendCancelAsync();

    /// <inheritdoc/>
    public int CancelsInFlight { get; private set; }

    /// <summary>
    /// Loop thread: <see cref="SendCancel"/>, completing once PostgreSQL has handled the cancel (closed the cancel
    /// connection) or cancel_wait_timeout ran out. Until then the pool counts it, and holds this server back if its
    /// client releases it meanwhile.
    /// </summary>
    public async Task<CancelSendStatus> SendCancelAsync()
    {
        CancelsInFlight++;
        Pool.OnCancelStarted();
        try
        {
            return await CancelSender.SendAsync(_engine!, EndPoint, BackendKey, Log, Target.CancelWaitTimeout);
        }
        finally
        {
            if (_engine!.IsOnLoopThread)
                OnCancelDone();
            else
                _engine.Post(static s => ((ServerConnection)s!).OnCancelDone(), this);
        }
    }

    private void OnCancelDone()
    {
        CancelsInFlight--;
        Pool.OnCancelFinished(this);
    }

    public void Close(string reason, bool notable = false)
    {
        if (State == ServerState.Closed)
            return;
        var wasLogin = State == ServerState.Login;
        State = ServerState.Closed;
        Owner = null;
        _check?.TrySetResult(false);
        if (!wasLogin)
        {
            // At shutdown every close is ours and worth one line each, as is a timeout; the routine closes are debug.
            if (Pool.IsShutdown || notable)
                Log.Information("closing: {Reason:l}", reason);
            else
                Log.Debug("closing: {Reason:l}", reason);
        }
        try
        {
            if (Output.IsReady)
            {
                FrontendMessages.WriteTerminate(Output.Writer);
                _ = Output.FlushAsync();
            }
        }
        catch
        {
            // Best effort: the socket is closed right after either way.
        }
        _ = CloseSocketAsync();
    }

    /// <summary>
    /// Terminate and FIN go out first; the read loop then sees PostgreSQL close and releases the socket. Before the
    /// read loop runs (a failed login) the socket is released here.
    /// </summary>
    private async Task CloseSocketAsync()
    {
        try
        {
            await Output.WaitReadyAsync();
            await _conn.Output.CompleteAsync();
            if (!_readerRunning)
                await _conn.DisposeAsync();
        }
        catch (Exception ex)
        {
            Log.Debug(ex, "error while closing");
        }
    }

    /// <summary>
    /// Record a value the pooler SET for a parameter the server does not report (e.g. search_path before
    /// PostgreSQL 18): the only way the pooler can know it. Forgotten when server_reset_query runs.
    /// </summary>
    public void AssumeParameter(string name, string value)
    {
        SettingsChanged();
        _parameters[name] = value;
        _assumed.Add(name);
    }

    private void ForgetAssumedParameters()
    {
        SettingsChanged();
        foreach (var name in _assumed)
        {
            if (!_parameterOrder.Contains(name))
                _parameters.Remove(name);
        }
        _assumed.Clear();
    }

    private void RecordParameter(string name, string value)
    {
        SettingsChanged();
        _assumed.Remove(name);
        if (!_parameters.ContainsKey(name))
        {
            _parameterOrder.Add(name);
            _reported.Add(name);
        }
        _parameters[name] = value;
    }

    public override string ToString() => $"{Name} ({State})";
}
