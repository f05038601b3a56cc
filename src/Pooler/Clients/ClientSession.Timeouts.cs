// client_idle_timeout, query_timeout and idle_transaction_timeout: one lazily armed clock per session.
using Pooler.Pools;
using Pooler.Protocol;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    /// <summary>Which of the three timeouts the session's state exposes it to right now.</summary>
    private enum ClientClock : byte
    {
        None,
        Idle,
        Query,
        IdleInTransaction,
    }

    private DeadlineTimer? _clock;
    private ClientClock _clockKind;
    private long _clockStartTicks; // UTC ticks, not a DateTimeOffset: 8 bytes less per session
    private bool _waitingForServer;

    /// <summary>
    /// The session is about to read the client (hook in the forwarding loop): a query still running keeps its start
    /// time; otherwise the client just did something, so an idle clock starts now.
    /// </summary>
    private void ArmClientTimeouts()
    {
        var kind = CurrentClock(out var limit);
        if (kind == ClientClock.None && _clock is null)
            return;
        if (kind == ClientClock.Query && _clockKind == ClientClock.Query)
            return;
        StartClock(kind, limit);
    }

    /// <summary>A ReadyForQuery for this client was forwarded (hook in OnServerReady): the next state's clock starts now.</summary>
    private void RestartClientTimeouts()
    {
        var kind = CurrentClock(out var limit);
        if (kind == ClientClock.None && _clock is null)
            return;
        StartClock(kind, limit);
    }

    private void StartClock(ClientClock kind, TimeSpan limit)
    {
        _clockKind = kind;
        if (kind == ClientClock.None)
        {
            _clock?.Clear();
            return;
        }
        var start = _rt.Engine.TimeProvider.GetUtcNow();
        _clockStartTicks = start.UtcTicks;
        (_clock ??= new DeadlineTimer(_rt.Engine.TimeProvider, OnClientClock)).Set(start + limit);
    }

    /// <summary>
    /// Running a query (the server owes ReadyForQuery), idle inside a transaction, or idle outside one; nothing while
    /// queued for a server (query_wait_timeout covers that) or when the matching option is zero.
    /// </summary>
    private ClientClock CurrentClock(out TimeSpan limit)
    {
        var options = _rt.Options;
        limit = TimeSpan.Zero;
        if (_waitingForServer || _requestedEnd is not null)
            return ClientClock.None;
        ClientClock kind;
        if (_server is { } server && server.PendingReady > 0)
        {
            kind = ClientClock.Query;
            limit = options.QueryTimeout;
        }
        else if (_server is { } linked && linked.TransactionStatus != TransactionStatus.Idle)
        {
            kind = ClientClock.IdleInTransaction;
            limit = options.IdleTransactionTimeout;
        }
        else
        {
            kind = ClientClock.Idle;
            limit = options.ClientIdleTimeout;
        }
        return limit > TimeSpan.Zero ? kind : ClientClock.None;
    }

    /// <summary>The clock may be due: end the session if the state it was started for is still the state now.</summary>
    private void OnClientClock()
    {
        var kind = CurrentClock(out var limit);
        if (kind != _clockKind)
        {
            // The state moved on without a hook seeing it (e.g. a query started while the client's bytes were
            // being forwarded): start that state's clock from now.
            StartClock(kind, limit);
            return;
        }
        if (kind == ClientClock.None)
            return;
        var due = new DateTimeOffset(_clockStartTicks, TimeSpan.Zero) + limit;
        if (_rt.Engine.TimeProvider.GetUtcNow() < due)
        {
            _clock!.Set(due);
            return;
        }
        _clockKind = ClientClock.None;
        // The session's cleanup logs the ending once and gives the server back as documented in docs/timeouts.md:
        // a running query is cancelled and its server closed; an open transaction is rolled back and the server reused.
        switch (kind)
        {
            case ClientClock.Query:
                RequestEnd(SessionEnd.QueryTimeout, new PoolError(SqlState.QueryCanceled, "query_timeout"));
                break;
            case ClientClock.IdleInTransaction:
                RequestEnd(SessionEnd.IdleTransactionTimeout,
                    new PoolError(SqlState.IdleInTransactionSessionTimeout, "idle transaction timeout"));
                break;
            default:
                RequestEnd(SessionEnd.ClientIdleTimeout, new PoolError(SqlState.ProtocolViolation, "client_idle_timeout"));
                break;
        }
    }

    /// <summary>The session is over (hook in cleanup): no clock may fire for it any more.</summary>
    private void DisposeClientTimeouts()
    {
        _clock?.Dispose();
        _clock = null;
        _clockKind = ClientClock.None;
    }
}
