// Forwarding a logged-in client's messages to a server, and when to take and give back that server per pool mode.
using System.Buffers;
using System.IO.Pipelines;
using Pooler.Config;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Servers;
using Pooler.Stats;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    // Only Terminate is needed whole; every other message streams through in pieces (COPY, huge Bind). Transaction
    // and statement mode also hold Parse/Bind/Describe/Close/Execute/Query whole to rewrite them (s_trackedCodes).
    private static readonly MessageCodeSet s_plainCodes = MessageCodeSet.Of(FrontendMessageCode.Terminate);

    // Lent by the loop's pool while forwarding (RentScanner) and given back when the session parks between messages
    // (ClientSession.Park.cs); kept while a message is only partly passed through.
    private MessageScanner? _scanner;
    // max_packet_size as it was at login, for every scanner this session rents.
    private int _maxForwardBody;

    /// <summary>
    /// The forwarding loop: take a server when a message starts, write the bytes through, flush per read. Returns
    /// null once it has parked the session because nothing new is buffered (ClientSession.Park.cs), else why the
    /// session ends.
    /// </summary>
    private async ValueTask<SessionEnd?> ForwardCoreAsync()
    {
        ReadResult read = default;
        var haveRead = false;
        // The bytes left are part of a message, all examined: only new bytes can help. (A Pipe's TryRead would hand
        // the same bytes straight back; a read or a wait returns only once more arrive.)
        var needMore = false;
        var scanner = _scanner ?? RentScanner();
        while (true)
        {
            if (!haveRead)
            {
                ArmClientTimeouts();
                if (needMore || !Input.TryRead(out read))
                {
                    if (_requestedEnd is { } ending)
                        return ending; // a cancel seen by the wait itself is not seen again by a read
                    Park();
                    return null;
                }
            }
            haveRead = false;
            if (_requestedEnd is { } requested)
                return requested;
            var buffer = read.Buffer;
            SessionEnd? end = null;
            ServerConnection? written = null;
            while (end is null)
            {
                var messageStart = buffer.Start;
                var scan = scanner.Scan(ref buffer);
                if (scan.Status == ScanStatus.NeedMoreData)
                    break;
                if (scan.Status == ScanStatus.Error)
                {
                    end = Fail(SessionEnd.ProtocolViolation, scan.Error.SqlState, scan.Error.Message);
                    break;
                }
                if (scan.Status == ScanStatus.Frame && scan.Code == (byte)FrontendMessageCode.Terminate)
                {
                    end = SessionEnd.ClientClosed;
                    break;
                }
                if (scan.Status is ScanStatus.MessageStart or ScanStatus.Frame or ScanStatus.LargeMessageStart)
                {
                    if (_server is null)
                    {
                        var acquire = _route!.Pool.AcquireAsync(WaitToken);
                        if (!acquire.IsCompleted)
                        {
                            // The pool is exhausted: hand this message back to the pipe, so that the client can be
                            // read (for its disconnect) while it waits; the bytes come back once a server is linked.
                            // The scanner, reset, holds nothing either: a queued client lends it back meanwhile.
                            ReturnScanner(force: true);
                            if (written is not null)
                                await written.Output.FlushAsync();
                            Input.AdvanceTo(messageStart, read.Buffer.End);
                            _waitingSinceTicks = DateTimeOffset.UtcNow.UtcTicks;
                            var waited = await WaitForServerAsync(acquire);
                            _waitingSinceTicks = 0;
                            if (waited.End is { } waitEnd)
                                return waitEnd;
                            scanner = RentScanner();
                            read = waited.Read;
                            haveRead = true;
                            break;
                        }
                        if ((TakeServer(acquire.Result) ?? await LinkServerAsync()) is { } noServer)
                        {
                            end = noServer;
                            break;
                        }
                    }
                    if (scan.Code is (byte)FrontendMessageCode.Query or (byte)FrontendMessageCode.Sync
                        or (byte)FrontendMessageCode.FunctionCall)
                    {
                        _server!.PendingReady++;
                        PoolStats.OnQueryStart(_server.Clock, _server.Pool.Time.GetTimestamp());
                    }
                    CountUnsynced(_server!, scan.Code);
                }
                var server = _server!;
                if (!server.Output.IsReady)
                    await server.Output.WaitReadyAsync();
                if (!TracksReplies || !ForwardTracked(scan, server, out var invalid))
                {
                    foreach (var segment in scan.Bytes)
                        server.Output.Writer.Write(segment.Span);
                }
                else if (invalid is not null)
                {
                    end = Fail(SessionEnd.ProtocolViolation, SqlState.ProtocolViolation, invalid);
                }
                server.Pool.Stats.Received += scan.Bytes.Length;
                written = server;
            }
            if (haveRead)
                continue;
            Input.AdvanceTo(buffer.Start, buffer.End);
            needMore = !buffer.IsEmpty;
            if (written is not null && !await written.Output.FlushAsync() && written == _server)
            {
                // The server's read loop reports the loss with the server's own error when it has one.
                end ??= Fail(SessionEnd.ServerLost, SqlState.ConnectionFailure, "server connection lost");
            }
            if (written is not null && TracksReplies && written == _server)
                await DrainSynthesisedAsync(written);
            if (end is { } e)
                return e;
            if (_requestedEnd is { } late)
                return late;
            if (read.IsCompleted)
                return SessionEnd.ClientClosed;
        }
    }

    /// <summary>A scanner from the loop's pool, set up for this session's pool mode (tracking holds more whole).</summary>
    private MessageScanner RentScanner()
    {
        var scanner = _rt.ClientScanners.Rent();
        var tracks = TracksReplies;
        scanner.WholeCodes = tracks ? s_trackedCodes : s_plainCodes;
        scanner.MaxWholeBodyLength = tracks ? WholeLimit : 0;
        scanner.LargeMessageHeadLength = tracks ? WholeLimit : 0;
        scanner.MaxForwardBodyLength = _maxForwardBody;
        return _scanner = scanner;
    }

    /// <summary>Give the scanner back unless a message is partly passed through (its remaining bytes are state).</summary>
    private void ReturnScanner(bool force)
    {
        if (_scanner is not { } scanner || (scanner.InMessage && !force))
            return;
        _scanner = null;
        _rt.ClientScanners.Return(scanner);
    }

    /// <summary>Take a server from the pool (waiting FIFO if needed) and bring it to this client's parameters.</summary>
    private async ValueTask<SessionEnd?> LinkServerAsync(bool syncParameters = true)
    {
        while (_server is null)
        {
            if (TakeServer(await _route!.Pool.AcquireAsync()) is { } end)
                return end;
        }
        if (syncParameters)
            await SyncParametersAsync();
        return null;
    }

    /// <summary>
    /// Link the server the pool gave. Null when linked, or when the server turned out unusable (it is given back and
    /// <c>_server</c> stays null, so the caller asks again); else why the session ends.
    /// </summary>
    private SessionEnd? TakeServer(AcquireResult result)
    {
        var pool = _route!.Pool;
        if (result.Status != AcquireStatus.Acquired)
        {
            return result.Status == AcquireStatus.Shutdown
                ? Fail(SessionEnd.Shutdown, SqlState.AdminShutdown, "pooler is shutting down")
                : Fail(SessionEnd.NoServer, result.Error?.SqlState ?? SqlState.ConnectionFailure,
                    result.Error?.Message ?? "no server available");
        }
        var server = (ServerConnection)result.Server!;
        if (_requestedEnd is not null)
        {
            // Shut down or timed out while waiting: give the server straight back.
            pool.Release(server, reusable: server.IsUsable);
            return _requestedEnd;
        }
        if (!server.IsUsable)
        {
            pool.Release(server, reusable: false);
            return null;
        }
        server.Link(this);
        server.Clock.Reset();
        pool.Stats.ServerAssignmentCount++;
        server.BeginExchange(TracksReplies);
        _server = server;
        if (_rt.Log.IsEnabled(Serilog.Events.LogEventLevel.Verbose))
            Log.Verbose("linked {Server}", server.Name);
        return null;
    }

    /// <summary>
    /// Extended-protocol messages make the server unsafe to hand over until their Sync: after an error it skips to
    /// Sync, so a server released with unsynced messages would ignore its next client's queries.
    /// </summary>
    private static void CountUnsynced(ServerConnection server, byte code)
    {
        switch ((FrontendMessageCode)code)
        {
            case FrontendMessageCode.Parse or FrontendMessageCode.Bind or FrontendMessageCode.Describe
                or FrontendMessageCode.Execute or FrontendMessageCode.Close:
                server.UnsyncedMessages++;
                break;
            case FrontendMessageCode.Sync:
                server.UnsyncedMessages = 0;
                break;
        }
    }

    /// <summary>Queue SETs for the tracked parameters where the linked server differs from this client.</summary>
    private async ValueTask SyncParametersAsync()
    {
        if (_server is not { } server || Parameters.BuildSync(server) is not { } sql)
            return;
        if (!server.Output.IsReady)
            await server.Output.WaitReadyAsync();
        server.ResetInternalFailure();
        server.WriteInternalQuery(sql);
        if (_rt.Log.IsEnabled(Serilog.Events.LogEventLevel.Debug))
            Log.Debug("{Server}: syncing parameters: {Sql}", server.Name, sql);
    }

    /// <summary>Called by the server's read loop after it forwarded a ReadyForQuery for this client's query.</summary>
    private void OnServerReady(ServerConnection server, TransactionStatus status)
    {
        if (server == _server)
            RestartClientTimeouts();
        // Not while messages of the client's are still unanswered or unsynced (a pipeline split across reads).
        if (server != _server || server.PendingReady > 0)
            return;
        if (server.HasUnfinishedExchange)
        {
            if (_rt.Log.IsEnabled(Serilog.Events.LogEventLevel.Verbose))
                Log.Verbose("{Server} kept: {Exchange}", server.Name, server.DescribeExchange());
            return;
        }
        if (_rt.Draining && status == TransactionStatus.Idle)
            RequestEnd(SessionEnd.Shutdown, null); // graceful stop: this transaction is done, the session may end
        switch (Mode)
        {
            case PoolMode.Transaction when status == TransactionStatus.Idle:
                _ = ReleaseServerAsync();
                break;
            case PoolMode.Statement when status == TransactionStatus.Idle:
                _ = ReleaseServerAsync();
                break;
            case PoolMode.Statement:
                // As PgBouncer: a transaction block cannot be kept across statements; the session ends and the
                // server's transaction is rolled back before anyone else gets it.
                RequestEnd(SessionEnd.StatementModeTransaction,
                    new PoolError(SqlState.FeatureNotSupported, "transaction blocks not allowed in statement pooling mode"));
                break;
        }
    }

    /// <summary>Give the server back: session mode runs server_reset_query; others only with server_reset_query_always.</summary>
    private ValueTask ReleaseServerAsync()
    {
        if (_server is not { } server)
            return ValueTask.CompletedTask;
        _server = null;
        if (_rt.Log.IsEnabled(Serilog.Events.LogEventLevel.Verbose))
            Log.Verbose("releasing {Server} (pending {Pending}, {Status})", server.Name, server.PendingReady, server.TransactionStatus);
        var options = _rt.Options;
        var reset = Mode == PoolMode.Session || options.ServerResetQueryAlways ? options.ServerResetQuery : null;
        return server.ReleaseAsync(reset);
    }
}
