// Sends a CancelRequest to a server on a fresh connection, as libpq does, with the server's own key.
using System.Net;
using System.Runtime.CompilerServices;
using Pooler.Io;
using Pooler.Protocol;
using Serilog;

namespace Pooler.Servers;

internal static class CancelSender
{
    /// <summary>
    /// Connect, send the CancelRequest and wait for PostgreSQL to close the connection, all within
    /// <paramref name="timeout"/> (cancel_wait_timeout; zero = no limit). A cancel that runs out of time is
    /// abandoned and logged once, so a stuck host cannot pile up cancel connections.
    /// </summary>
    public static async Task<CancelSendStatus> SendAsync(IoEngine engine, EndPoint endPoint, BackendKeyDataMessage? key,
        ILogger log, TimeSpan? timeout = null)
    {
        return await SendAsync(engine, endPoint, key, log, timeout ?? DefaultTimeout);
    }

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static async Task<CancelSendStatus> SendAsync(IoEngine engine, EndPoint endPoint, BackendKeyDataMessage? key,
        ILogger log, TimeSpan timeout)
    {
        if (key is null)
        {
            log.Warning("cannot cancel: the server sent no BackendKeyData");
            return CancelSendStatus.NoKey;
        }
        var time = engine.TimeProvider;
        var limited = timeout > TimeSpan.Zero;
        var deadline = limited ? time.GetUtcNow() + timeout : DateTimeOffset.MaxValue;
        try
        {
            var connect = await engine.ConnectAsync(endPoint, limited ? timeout : Timeout.InfiniteTimeSpan);
            if (connect.Status == ConnectStatus.TimedOut)
                return LogTimedOut(log, endPoint, timeout);
            if (connect.Connection is not { } conn)
            {
                log.Warning("cancel: could not connect to {EndPoint}: {Status}", endPoint, connect.Status);
                return CancelSendStatus.ConnectFailed;
            }
            await using (conn)
            {
                FrontendMessages.WriteCancelRequest(conn.Output, key.ProcessId, key.SecretKey);
                await conn.Output.FlushAsync();
                log.Debug("cancel request sent to {EndPoint} for backend {Pid}", endPoint, key.ProcessId);
                // PostgreSQL closes the connection once it has handled the request; wait for that, bounded.
                var expired = new StrongBox<bool>();
                var left = deadline - time.GetUtcNow();
                using var timer = time.CreateTimer(static s =>
                {
                    var (c, flag) = ((IoConnection, StrongBox<bool>))s!;
                    flag.Value = true;
                    c.Abort(ShutdownKind.Aborted);
                }, (conn, expired), limited ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : Timeout.InfiniteTimeSpan,
                    Timeout.InfiniteTimeSpan);
                while (true)
                {
                    var read = await conn.Input.ReadAsync();
                    conn.Input.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted || read.IsCanceled)
                        break;
                }
                return expired.Value ? LogTimedOut(log, endPoint, timeout) : CancelSendStatus.Sent;
            }
        }
        catch (Exception ex)
        {
            log.Debug(ex, "cancel request to {EndPoint} failed", endPoint);
            return CancelSendStatus.Failed;
        }
    }

    private static CancelSendStatus LogTimedOut(ILogger log, EndPoint endPoint, TimeSpan timeout)
    {
        log.Warning("cancel_wait_timeout: cancel request to {EndPoint} not done within {Timeout}", endPoint, timeout);
        return CancelSendStatus.TimedOut;
    }
}
