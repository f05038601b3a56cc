// The PgBouncer-compatible admin console: the virtual database "pgbouncer" (alias "pooler"), simple query protocol.
using System.IO.Pipelines;
using System.Security.Cryptography;
using Pooler.Clients;
using Pooler.Hosting;
using Pooler.Management;
using Pooler.Protocol;
using Pooler.Servers;
using Serilog;

namespace Pooler.Admin;

/// <summary>
/// Runs a logged-in admin session on the client's own pipe after authentication: SHOW commands for admin_users and
/// stats_users, steering commands for admin_users only. Everything it shows comes from the runtime's
/// <see cref="IAdminBackend"/>, so with several workers it shows all of them.
/// </summary>
internal sealed class AdminConsole(PoolerRuntime rt, PipeReader input, GuardedOutput output, string user, string who, ILogger log)
{
    private static readonly string[] s_names = ["pgbouncer", "pooler"];

    public static bool IsConsoleDatabase(string database) => s_names.Contains(database, StringComparer.Ordinal);

    private readonly bool _isAdmin = rt.Auth.IsAdmin(user);

    /// <summary>Until the client leaves; returns how the session ended (errors are sent here, not by cleanup).</summary>
    public async Task<SessionEnd> RunAsync()
    {
        if (!await SendLoginReplyAsync())
            return SessionEnd.ClientClosed;
        if (rt.Options.LogConnections)
            log.Information("login: {User} to the admin console ({Role})", user, _isAdmin ? "admin" : "stats");
        var skipToSync = false;
        while (true)
        {
            var read = await input.ReadAsync();
            var buffer = read.Buffer;
            var status = FrameReader.TryRead(ref buffer, 1 << 20, out var frame, out var error);
            if (status == FrameReadStatus.NeedMoreData)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                    return read.IsCanceled ? SessionEnd.Shutdown : SessionEnd.ClientClosed;
                continue;
            }
            if (status == FrameReadStatus.Error)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                await SendErrorAsync(ErrorFields.Fatal, error.SqlState, error.Message, ready: false);
                return SessionEnd.ClientClosed;
            }
            var code = frame.FrontendCode;
            string? sql = null;
            if (code == FrontendMessageCode.Query && !QueryMessage.TryParse(frame.Body, out sql))
                sql = null;
            input.AdvanceTo(buffer.Start);

            switch (code)
            {
                case FrontendMessageCode.Terminate:
                    return SessionEnd.ClientClosed;
                case FrontendMessageCode.Query:
                    skipToSync = false;
                    if (sql is null)
                        await SendErrorAsync(ErrorFields.Error, SqlState.ProtocolViolation, "invalid Query message", ready: true);
                    else
                        await ExecuteAsync(sql);
                    break;
                case FrontendMessageCode.Sync:
                    skipToSync = false;
                    await SendReadyAsync();
                    break;
                case FrontendMessageCode.Flush:
                    break;
                default:
                    // Extended protocol: one error, then everything up to Sync is ignored, as a server does after an error.
                    if (!skipToSync)
                    {
                        skipToSync = true;
                        await SendErrorAsync(ErrorFields.Error, SqlState.FeatureNotSupported,
                            "the admin console supports only the simple query protocol (use psql, or a client's simple mode)", ready: false);
                    }
                    break;
            }
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        var statement = AdminStatementParser.Parse(sql);
        if (statement.Error is { } message)
        {
            if (message.Length == 0)
            {
                await output.SendAsync(0, static (w, _) =>
                {
                    BackendMessages.WriteEmptyQueryResponse(w);
                    BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
                });
                return;
            }
            await SendErrorAsync(ErrorFields.Error, SqlState.SyntaxError, message, ready: true);
            return;
        }
        if (statement.ShowSubject is { } subject)
        {
            var snapshot = await rt.Admin.GetSnapshotAsync();
            var averages = (rt.Admin as LocalAdminBackend)?.Averages ?? s_fallbackAverages;
            if (AdminTables.Show(subject, snapshot, averages) is not { } table)
            {
                await SendErrorAsync(ErrorFields.Error, SqlState.SyntaxError,
                    $"unknown SHOW subject: {subject} (one of {string.Join(", ", AdminTables.Subjects)})", ready: true);
                return;
            }
            await output.SendAsync(table, static (w, t) =>
            {
                BackendMessages.WriteRowDescription(w, t.Columns);
                foreach (var row in t.Rows)
                    BackendMessages.WriteDataRow(w, row);
                BackendMessages.WriteCommandComplete(w, "SHOW");
                BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
            });
            return;
        }

        var command = statement.Command!;
        if (!_isAdmin)
        {
            log.Warning("admin: {Command} refused for {Who}: not an admin user", command.Kind, who);
            await SendErrorAsync(ErrorFields.Error, SqlState.InvalidAuthorizationSpecification,
                "admin access needed (this user may only run SHOW commands)", ready: true);
            return;
        }
        var result = await rt.Admin.ExecuteAsync(command, new AdminActor("console", who));
        if (!result.IsOk)
        {
            var state = result.Outcome switch
            {
                AdminOutcome.NotFound => SqlState.InvalidCatalogName,
                AdminOutcome.NotSupported => SqlState.FeatureNotSupported,
                AdminOutcome.BadRequest => SqlState.SyntaxError,
                AdminOutcome.Forbidden => SqlState.InvalidAuthorizationSpecification,
                _ => SqlState.InternalError,
            };
            await SendErrorAsync(ErrorFields.Error, state, result.Message, ready: true);
            return;
        }
        await output.SendAsync(statement.Tag, static (w, tag) =>
        {
            BackendMessages.WriteCommandComplete(w, tag);
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        });
    }

    private static readonly Stats.StatsAverages s_fallbackAverages =
        new(DateTimeOffset.UtcNow, Stats.StatsAverages.DefaultPeriod, TimeProvider.System);

    private ValueTask<bool> SendLoginReplyAsync()
    {
        var key = RandomNumberGenerator.GetBytes(4);
        return output.SendAsync(key, static (w, k) =>
        {
            BackendMessages.WriteAuthenticationOk(w);
            // What psql and drivers expect of a server; the admin console speaks UTF-8 text only.
            BackendMessages.WriteParameterStatus(w, "server_version", "15.0 (Pooler admin console)");
            BackendMessages.WriteParameterStatus(w, "server_encoding", "UTF8");
            BackendMessages.WriteParameterStatus(w, "client_encoding", "UTF8");
            BackendMessages.WriteParameterStatus(w, "DateStyle", "ISO, MDY");
            BackendMessages.WriteParameterStatus(w, "integer_datetimes", "on");
            BackendMessages.WriteParameterStatus(w, "standard_conforming_strings", "on");
            BackendMessages.WriteParameterStatus(w, "application_name", "");
            // No cancel can reach an admin session: a key nobody holds.
            BackendMessages.WriteBackendKeyData(w, 0, k);
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        });
    }

    private ValueTask<bool> SendReadyAsync() =>
        output.SendAsync(0, static (w, _) => BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle));

    private ValueTask<bool> SendErrorAsync(string severity, string sqlState, string message, bool ready) =>
        output.SendAsync((severity, sqlState, message, ready), static (w, e) =>
        {
            BackendMessages.WriteErrorResponse(w, ErrorFields.Create(e.severity, e.sqlState, e.message));
            if (e.ready)
                BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        });
}
