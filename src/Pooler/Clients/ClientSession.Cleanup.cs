// The one place a session ends: tell the client why (if it should hear), give back the server, free the slot.
using Pooler.Protocol;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    private async ValueTask CleanupAsync(SessionEnd end)
    {
        DisposeClientTimeouts();
        var error = end switch
        {
            SessionEnd.ClientClosed or SessionEnd.CancelRequest => null,
            SessionEnd.Shutdown => _endError ?? new(SqlState.AdminShutdown, "pooler is shutting down"),
            SessionEnd.ServerLost => _endError ?? new(SqlState.ConnectionFailure, "server connection lost"),
            SessionEnd.LoginTimeout => _endError ?? new(SqlState.ProtocolViolation, "client_login_timeout"),
            SessionEnd.InternalError => new(SqlState.InternalError, "internal pooler error"),
            _ => _endError ?? new(SqlState.ProtocolViolation, end.ToString()),
        };

        await ReleaseServerAsync();

        if (error is not null)
        {
            try
            {
                await Output.SendAsync(error, static (w, e) =>
                    BackendMessages.WriteErrorResponse(w, ErrorFields.Create(ErrorFields.Fatal, e.SqlState, e.Message)));
            }
            catch (Exception ex)
            {
                Log.Debug(ex, "could not send the closing error");
            }
        }

        _waitCancel?.Dispose();
        if (_keyRegistered)
            _rt.Cancels.Unregister(CancelKey, this);
        if (_admitted)
            _rt.Manager.RemoveClient();

        if (end is SessionEnd.ClientClosed or SessionEnd.CancelRequest)
        {
            if (end == SessionEnd.ClientClosed && _admitted && _rt.Options.LogDisconnections)
                Log.Information("closing: client disconnected");
        }
        else if (end is SessionEnd.ProtocolViolation or SessionEnd.LoginTimeout or SessionEnd.InternalError or SessionEnd.ServerLost)
        {
            Log.Warning("closing: {End}: {Error}", end, error);
        }
        else
        {
            Log.Information("closing: {End}: {Error}", end, error);
        }

        if (end == SessionEnd.CancelRequest)
        {
            // Nothing to say and nothing to wait for: PostgreSQL closes a cancel connection at once too.
            await _conn.DisposeAsync();
            return;
        }
        if (error is null)
        {
            // The client said goodbye (Terminate or EOF) and reads nothing more: close as PgBouncer does, without the
            // half-close, timer and wait for its EOF below (a wake-up and a timer per connection, measured with -C).
            // Disposing still sends whatever is queued for it first.
            await Output.WaitReadyAsync();
            await Input.CompleteAsync();
            await _conn.DisposeAsync();
            return;
        }
        await CloseConnectionAsync();
    }

    /// <summary>
    /// Close so that what was written still arrives: FIN after the last bytes, then wait (bounded) for the client
    /// to close its side before the socket is released; disposing at once could drop the final ErrorResponse.
    /// </summary>
    private async ValueTask CloseConnectionAsync()
    {
        try
        {
            await Output.WaitReadyAsync();
            await _conn.Output.CompleteAsync();
            var timedOut = false;
            using var timer = _rt.Engine.TimeProvider.CreateTimer(_ =>
            {
                timedOut = true;
                Input.CancelPendingRead();
            }, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
            while (true)
            {
                var read = await Input.ReadAsync();
                Input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || (read.IsCanceled && timedOut))
                    break;
            }
        }
        catch (Exception ex)
        {
            Log.Debug(ex, "error while closing the client connection");
        }
        try
        {
            await Input.CompleteAsync();
            await _conn.DisposeAsync();
        }
        catch (Exception ex)
        {
            Log.Debug(ex, "error while releasing the client connection");
        }
    }
}
