// The accept loop shared by the single-process host and the supervisor: accept until the listener closes, log and
// go on after a failed accept, refuse connections once stopping, hand every other one on.
using Pooler.Io;
using Serilog;

namespace Pooler.Hosting;

internal static class ClientAcceptLoop
{
    public static async Task RunAsync(IoListener listener, ILogger log, Func<bool> stopping, Action<IoConnection> accepted)
    {
        while (true)
        {
            IoConnection? conn;
            try
            {
                conn = await listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                break;
            }
            catch (Exception ex)
            {
                log.Error(ex, "accept on {EndPoint} failed", listener.LocalEndPoint);
                continue;
            }
            if (conn is null)
                break;
            if (stopping())
            {
                conn.Abort(ShutdownKind.Aborted);
                continue;
            }
            accepted(conn);
        }
    }
}
