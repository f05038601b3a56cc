// Sends a CancelRequest to a server on a fresh connection, as libpq does, with the server's own key.
using System.Net;
using Pooler.Io;
using Pooler.Protocol;
using Serilog;

namespace Pooler.Servers;

internal static class CancelSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task SendAsync(IoEngine engine, EndPoint endPoint, BackendKeyDataMessage? key, ILogger log)
    {
        if (key is null)
        {
            log.Warning("cannot cancel: the server sent no BackendKeyData");
            return;
        }
        try
        {
            var connect = await engine.ConnectAsync(endPoint, Timeout);
            if (connect.Connection is not { } conn)
            {
                log.Warning("cancel: could not connect to {EndPoint}: {Status}", endPoint, connect.Status);
                return;
            }
            await using (conn)
            {
                FrontendMessages.WriteCancelRequest(conn.Output, key.ProcessId, key.SecretKey);
                await conn.Output.FlushAsync();
                log.Debug("cancel request sent to {EndPoint} for backend {Pid}", endPoint, key.ProcessId);
                // PostgreSQL closes the connection once it has handled the request; wait for that, bounded.
                using var timer = engine.TimeProvider.CreateTimer(static s => ((IoConnection)s!).Abort(ShutdownKind.Aborted),
                    conn, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
                while (true)
                {
                    var read = await conn.Input.ReadAsync();
                    conn.Input.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted || read.IsCanceled)
                        break;
                }
            }
        }
        catch (Exception ex)
        {
            log.Debug(ex, "cancel request to {EndPoint} failed", endPoint);
        }
    }
}
