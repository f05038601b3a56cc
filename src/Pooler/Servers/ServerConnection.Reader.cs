// The server's read loop: forwards responses to the linked client, swallows the pooler's own, notices death.
using System.Buffers;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Stats;

namespace Pooler.Servers;

internal sealed partial class ServerConnection
{
    // Whole: what changes our state (CommandComplete for the tags of SET, COMMIT, DISCARD ALL). Everything else
    // (DataRow, CopyData, ...) streams through in pieces.
    private readonly MessageScanner _scanner = new(
        MessageCodeSet.Of(BackendMessageCode.ReadyForQuery, BackendMessageCode.ParameterStatus, BackendMessageCode.ErrorResponse,
            BackendMessageCode.CommandComplete),
        MaxLoginMessage);

    private bool _internalQueryFailed;

    /// <summary>When the client's query and transaction in flight started, for the pool's time counters.</summary>
    internal QueryClock Clock { get; } = new();

    internal System.Net.EndPoint? LocalEndPoint => _conn.LocalEndPoint;
    private bool _readerRunning;

    private async Task RunReaderAsync()
    {
        _readerRunning = true;
        var input = _conn.Input;
        PoolError? lost = null;
        try
        {
            while (State != ServerState.Closed && lost is null)
            {
                var read = await input.ReadAsync();
                _readerBusy = true;
                var buffer = read.Buffer;
                GuardedOutput? written = null;
                while (lost is null)
                {
                    var scan = _scanner.Scan(ref buffer);
                    if (scan.Status == ScanStatus.NeedMoreData)
                        break;
                    if (scan.Status == ScanStatus.Error)
                    {
                        lost = new PoolError(SqlState.ProtocolViolation, $"server sent an invalid message: {scan.Error.Message}");
                        break;
                    }
                    var forwardTo = SwallowReady == 0 && State == ServerState.Linked ? Owner?.Output : null;
                    if (forwardTo is not null && TracksReplies)
                    {
                        // The decision for a message is made at its first bytes and holds for its later pieces.
                        if (scan.Status != ScanStatus.Forward && (lost = OnTrackedReply(scan, out _forwardCurrent)) is not null)
                            break;
                        if (!_forwardCurrent)
                            forwardTo = null;
                    }
                    if (forwardTo is not null)
                    {
                        if (!forwardTo.IsReady)
                            await forwardTo.WaitReadyAsync();
                        foreach (var segment in scan.Bytes)
                            forwardTo.Writer.Write(segment.Span);
                        Pool.Stats.Sent += scan.Bytes.Length;
                        written = forwardTo;
                    }
                    // Replies the pooler answers itself go out as soon as everything before them has.
                    if (TracksReplies && !_scanner.InMessage && _replies.Count > 0 && _replies.Peek().IsSynthesised
                        && State == ServerState.Linked && Owner?.Output is { } synthTo)
                    {
                        if (!synthTo.IsReady)
                            await synthTo.WaitReadyAsync();
                        if (DrainSynthesised(synthTo.Writer))
                            written = synthTo;
                    }
                    if (scan.Status == ScanStatus.Frame)
                        lost = OnFrame(scan.Frame, forwarded: forwardTo is not null);
                    else if (scan.Status == ScanStatus.MessageStart && State == ServerState.Idle && !IsHarmlessWhileIdle(scan.Code))
                        lost = new PoolError(SqlState.ProtocolViolation, $"unexpected message '{(char)scan.Code}' from an idle server");
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                // A failed flush means the client is gone; its session notices on its own input and cleans up.
                if (written is not null)
                    await written.FlushAsync();
                // The client's loop may have added synthesised replies while this loop was busy (and could not write them).
                while (TracksReplies && !_scanner.InMessage && State == ServerState.Linked && Owner?.Output is { } lateTo
                       && _replies.Count > 0 && _replies.Peek().IsSynthesised)
                {
                    await lateTo.WaitReadyAsync();
                    if (DrainSynthesised(lateTo.Writer))
                        await lateTo.FlushAsync();
                }
                _readerBusy = false;
                if (read.IsCompleted || read.IsCanceled)
                    lost ??= new PoolError(SqlState.ConnectionFailure, "server closed the connection unexpectedly");
            }
        }
        catch (Exception ex)
        {
            lost ??= new PoolError(SqlState.ConnectionFailure, $"server connection failed: {ex.Message}");
        }
        if (lost is not null)
            OnLost(lost);
        try
        {
            await input.CompleteAsync();
            await _conn.DisposeAsync();
        }
        catch (Exception ex)
        {
            Log.Debug(ex, "error while releasing the socket");
        }
    }

    private static bool IsHarmlessWhileIdle(byte code) =>
        code is (byte)BackendMessageCode.NoticeResponse or (byte)BackendMessageCode.NotificationResponse;

    /// <summary>A message the server sent whole; a non-null result means the server is unusable.</summary>
    private PoolError? OnFrame(Frame frame, bool forwarded)
    {
        switch (frame.BackendCode)
        {
            case BackendMessageCode.ParameterStatus:
                if (ParameterStatusMessage.TryParse(frame.Body, out var p))
                {
                    RecordParameter(p.Name, p.Value);
                    // Also when swallowed: a SET made for the client tells it the server's normalised spelling.
                    Owner?.OnParameterStatus(p.Name, p.Value);
                }
                return null;
            case BackendMessageCode.ErrorResponse:
                if (forwarded)
                {
                    Pool.Stats.AddError(ErrorFields.TryParse(frame.Body, out var clientError) ? clientError.SqlState : null);
                }
                else
                {
                    ErrorFields.TryParse(frame.Body, out var fields);
                    if (SwallowReady > 0)
                        _internalQueryFailed = true;
                    // A failed server_check_query is logged once, by the pool closing the server; its text is detail.
                    if (State == ServerState.Checking)
                        Log.Debug("server check query failed: {Error}", fields);
                    else
                        Log.Warning("server error outside a client query: {Error}", fields);
                }
                return null;
            case BackendMessageCode.ReadyForQuery:
                if (!ReadyForQueryMessage.TryParse(frame.Body, out var status))
                    return new PoolError(SqlState.ProtocolViolation, "server sent an invalid ReadyForQuery");
                TransactionStatus = status;
                if (PendingReady > 0)
                    PendingReady--;
                if (SwallowReady > 0)
                    SwallowReady--;
                else if (forwarded && Owner is { } owner)
                {
                    Pool.Stats.OnReady(Clock, status == TransactionStatus.Idle, PendingReady > 0, Pool.Time.GetTimestamp(), Pool.Time);
                    owner.OnReadyForQuery(this, status);
                }
                if (State == ServerState.Cleaning && PendingReady == 0)
                    FinishCleaning();
                else if (State == ServerState.Checking && PendingReady == 0)
                    FinishCheck();
                return null;
            default:
                return null;
        }
    }

    /// <summary>The pooler's own clean-up queries are done: back to the pool if they left the server idle.</summary>
    private void FinishCleaning()
    {
        if (_internalQueryFailed || TransactionStatus != TransactionStatus.Idle)
        {
            Close("clean-up query failed");
            Pool.Release(this, reusable: false);
            return;
        }
        MarkIdle();
        Pool.Release(this, reusable: true);
    }

    /// <summary>Clear the record of a failed internal query (before the pooler sends new ones for a client).</summary>
    public void ResetInternalFailure() => _internalQueryFailed = false;

    private void OnLost(PoolError error)
    {
        var owner = State == ServerState.Linked ? Owner : null;
        if (State != ServerState.Closed && Pool.IsShutdown)
        {
            // The socket went away under the pooler's own shutdown (e.g. the engine stopped first): ours, not a loss.
            Close(Pool.ShutdownReason);
        }
        else
        {
            if (State != ServerState.Closed)
                Log.Information("server connection lost: {Error}", error);
            Close(error.Message);
        }
        Pool.Discard(this, error.Message);
        owner?.OnServerLost(this, error);
    }
}
