// Runs auth_query for one user on a server borrowed from auth_user's pool, as a short-lived owner of that server.
using System.Buffers;
using System.IO.Pipelines;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Servers;
using Serilog;

namespace Pooler.Auth;

/// <summary>
/// Borrows a server like a client would (FIFO wait included), sends auth_query with the user name as its only
/// parameter (extended protocol, so the name is never spliced into SQL), reads the forwarded result from a private
/// pipe and gives the server back. The first row's second column is the secret; no row or NULL means unknown user.
/// </summary>
internal sealed class AuthQueryRunner : IServerOwner
{
    private const int MaxResultMessage = 1 << 16;
    private readonly Pipe _pipe = new();
    private PoolError? _lost;

    private AuthQueryRunner() => Output = new GuardedOutput(_pipe.Writer);

    public GuardedOutput Output { get; }

    public static async ValueTask<SecretLookup> RunAsync(Pool pool, string query, string user, ILogger log)
    {
        var runner = new AuthQueryRunner();
        try
        {
            return await runner.RunCoreAsync(pool, query, user, log);
        }
        finally
        {
            await runner._pipe.Reader.CompleteAsync();
        }
    }

    private async ValueTask<SecretLookup> RunCoreAsync(Pool pool, string query, string user, ILogger log)
    {
        ServerConnection? server = null;
        while (server is null)
        {
            var acquired = await pool.AcquireAsync();
            if (acquired.Status != AcquireStatus.Acquired)
                return SecretLookup.Failed(acquired.Error ?? new PoolError(SqlState.ConnectionFailure, "no server for auth_query"));
            server = (ServerConnection)acquired.Server!;
            if (!server.IsUsable)
            {
                pool.Release(server, reusable: false);
                server = null;
            }
        }
        server.Link(this);
        await server.Output.WaitReadyAsync();
        var w = server.Output.Writer;
        FrontendMessages.WriteParse(w, "", query, ReadOnlySpan<uint>.Empty);
        FrontendMessages.WriteBind(w, "", "", [user]);
        FrontendMessages.WriteExecute(w, "");
        FrontendMessages.WriteSync(w);
        server.PendingReady++;
        if (!await server.Output.FlushAsync())
        {
            await server.ReleaseAsync(null);
            return SecretLookup.Failed(new PoolError(SqlState.ConnectionFailure, "server connection lost while running auth_query"));
        }

        var (result, complete) = await ReadResultAsync();
        // Incomplete with the server still up (an unreadable result): releasing it mid-query cancels and closes it.
        // A lost server was already discarded by its read loop.
        if (complete || server.IsUsable)
            await server.ReleaseAsync(null);
        if (result.Status == SecretLookupStatus.Failed)
            log.Warning("auth_query for user {User} on {Pool} failed: {Error}", user, pool.Key, result.Error);
        return result;
    }

    /// <summary>Reads forwarded messages up to ReadyForQuery; <c>complete</c> is false when the server was lost.</summary>
    private async ValueTask<(SecretLookup Result, bool Complete)> ReadResultAsync()
    {
        var reader = _pipe.Reader;
        SecretLookup? outcome = null;
        while (true)
        {
            var read = await reader.ReadAsync();
            var buffer = read.Buffer;
            while (true)
            {
                var status = FrameReader.TryRead(ref buffer, MaxResultMessage, out var frame, out var error);
                if (status == FrameReadStatus.NeedMoreData)
                    break;
                if (status == FrameReadStatus.Error)
                {
                    reader.AdvanceTo(buffer.Start);
                    return (SecretLookup.Failed(new PoolError(SqlState.ProtocolViolation, $"auth_query result: {error.Message}")), false);
                }
                switch (frame.BackendCode)
                {
                    case BackendMessageCode.DataRow when outcome is null:
                        outcome = RowDescriptionMessage.TryParseDataRow(frame.Body, out var values) && values.Length >= 2
                            && values[1] is { Length: > 0 } secret
                            ? SecretLookup.Found(StoredSecret.From(secret))
                            : SecretLookup.Unknown;
                        break;
                    case BackendMessageCode.ErrorResponse:
                        ErrorFields.TryParse(frame.Body, out var fields);
                        outcome = SecretLookup.Failed(new PoolError(fields.SqlState ?? SqlState.InternalError,
                            $"auth_query failed: {fields.Message}"));
                        break;
                    case BackendMessageCode.ReadyForQuery:
                        reader.AdvanceTo(buffer.Start);
                        return (outcome ?? SecretLookup.Unknown, true);
                }
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
                return (SecretLookup.Failed(_lost ?? new PoolError(SqlState.ConnectionFailure, "server lost while running auth_query")), false);
        }
    }

    void IServerOwner.OnParameterStatus(string name, string value)
    {
    }

    void IServerOwner.OnReadyForQuery(ServerConnection server, TransactionStatus status)
    {
        // The result is read from the pipe up to its own ReadyForQuery; nothing to do here.
    }

    void IServerOwner.OnServerLost(ServerConnection server, PoolError error)
    {
        _lost = error;
        _pipe.Writer.Complete();
    }
}
