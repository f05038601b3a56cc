// The accept loop shared by the single-process host and the supervisor: accept until the listener closes, log and
// go on after a failed accept, refuse connections once stopping, hand every other one on.
using Pooler.Io;
using Serilog;

namespace Pooler.Hosting;

internal static class ClientAcceptLoop
{
    public static Task RunAsync(IoListener listener, ILogger log, Func<bool> stopping, Action<IoConnection> accepted) =>
        RunAsync<IoConnection?>(listener, log, static l => l.AcceptAsync(), static c => c is null, stopping,
            static c => c!.Abort(ShutdownKind.Aborted), c => accepted(c!));

    /// <summary>The same over bare fds (<see cref="IoListener.AcceptFdAsync"/>): the supervisor passes them on.</summary>
    public static Task RunFdsAsync(IoListener listener, ILogger log, Func<bool> stopping, Action<int> accepted) =>
        RunAsync(listener, log, static l => l.AcceptFdAsync(), static fd => fd < 0, stopping, IoEngine.CloseFd, accepted);

    private static async Task RunAsync<T>(IoListener listener, ILogger log, Func<IoListener, ValueTask<T>> accept,
        Func<T, bool> closed, Func<bool> stopping, Action<T> refuse, Action<T> accepted)
    {
        while (true)
        {
            T next;
            try
            {
                next = await accept(listener);
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
            if (closed(next))
                break;
            if (stopping())
            {
                refuse(next);
                continue;
            }
            accepted(next);
        }
    }
}
