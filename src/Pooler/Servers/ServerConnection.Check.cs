// server_check_query on a server that sat idle: run it, swallow the answer, report healthy or not to the pool.
using Pooler.Protocol;

namespace Pooler.Servers;

internal sealed partial class ServerConnection
{
    private TaskCompletionSource<bool>? _check;

    /// <summary>
    /// Send <paramref name="query"/> as one of the pooler's own queries. The answer is true when ReadyForQuery comes
    /// back with no error and outside a transaction; a server that does not answer within server_connect_timeout is
    /// closed (the check is what finds half-dead connections, so it must not hang the client that asked).
    /// </summary>
    public async ValueTask<bool> CheckAsync(string query)
    {
        if (State != ServerState.Idle)
            return false;
        State = ServerState.Checking;
        var check = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _check = check;
        await Output.WaitReadyAsync();
        if (State != ServerState.Checking)
            return false;
        ResetInternalFailure();
        WriteInternalQuery(query);
        if (Log.IsEnabled(Serilog.Events.LogEventLevel.Debug))
            Log.Debug("checking: {Query:l}", query);
        var limit = Target.ConnectTimeout > TimeSpan.Zero ? Target.ConnectTimeout : Timeout.InfiniteTimeSpan;
        using var timer = _engine!.TimeProvider.CreateTimer(static s =>
            ((ServerConnection)s!).Close("server check query timed out (server_connect_timeout)", notable: true),
            this, limit, Timeout.InfiniteTimeSpan);
        if (!await Output.FlushAsync())
            Close("lost while checking");
        var ok = await check.Task;
        _check = null;
        return ok;
    }

    /// <summary>The check query's ReadyForQuery arrived: healthy unless it failed or left a transaction open.</summary>
    private void FinishCheck()
    {
        var ok = !_internalQueryFailed && TransactionStatus == TransactionStatus.Idle;
        State = ServerState.Idle;
        _check?.TrySetResult(ok);
    }
}
