// One simulated client: runs the script as transactions on its thread's loop until -t is reached, -T ends or a stop.
using Pooler.Protocol;

namespace Pooler.Bench;

/// <summary>
/// A client and its variables. A failed statement (ErrorResponse) fails the transaction: its SQLSTATE is counted,
/// the rest of the script is skipped, ROLLBACK is sent if a transaction block is open, and the client carries on.
/// A lost connection or a script evaluation error aborts the client (as pgbench does).
/// </summary>
public sealed class BenchClient(BenchThread thread, BenchRunContext run, int id)
{
    private readonly Dictionary<string, long> _variables = new(StringComparer.Ordinal)
    {
        ["scale"] = run.Scale,
        ["client_id"] = id,
    };

    private BenchConnection? _connection;

    public int Id { get; } = id;

    /// <summary>Opens the client's connection (before the clock starts, unless -C); null or the error.</summary>
    public async Task<string?> ConnectAsync()
    {
        var started = BenchClock.Now();
        var (connection, error) = await BenchConnection.OpenAsync(thread.Engine, run.EndPoint, run.Options,
            BenchRunContext.ConnectTimeout, run.Stop);
        if (connection is null)
            return error;
        thread.Stats.RecordConnection(BenchClock.Now() - started);
        _connection = connection;
        return null;
    }

    /// <summary>Runs transactions until done; never throws for network or server outcomes.</summary>
    public async Task RunAsync()
    {
        using var abortOnStop = run.Stop.Register(() => thread.Engine.Post(static c => ((BenchClient)c!)._connection?.Abort(), this));
        var options = run.Options;
        var stats = thread.Stats;
        try
        {
            for (long done = 0; options.Duration is not null || done < options.TransactionsPerClient; done++)
            {
                if (run.Stop.IsCancellationRequested)
                    return;
                var start = thread.NextScheduled() ?? BenchClock.Now();
                if (run.DeadlineNs is { } deadline && start >= deadline)
                    return;
                var wait = start - BenchClock.Now();
                if (wait > 0)
                    await Task.Delay(TimeSpan.FromTicks(wait / 100), thread.Engine.TimeProvider, run.Stop);

                if (options.ConnectPerTransaction && await ConnectAsync() is { } connectError)
                {
                    if (!run.Stop.IsCancellationRequested)
                        stats.RecordAbort($"client {Id}: {connectError}");
                    return;
                }
                var result = await RunTransactionAsync();
                if (run.Stop.IsCancellationRequested)
                    return;                                          // interrupted mid-flight: not counted
                if (result.Abort is { } reason)
                {
                    stats.RecordAbort($"client {Id}: {reason}");
                    return;
                }
                if (result.FailedSqlState is { } state)
                    stats.RecordFailure(state);
                else
                    stats.RecordSuccess(BenchClock.Now() - start);
                if (options.ConnectPerTransaction)
                    await CloseAsync();
            }
        }
        catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
        {
            // Ctrl-C while waiting for the schedule.
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>Closes a connection opened before another client's failure ended the start.</summary>
    public Task CloseAfterFailedStartAsync() => CloseAsync();

    private async Task CloseAsync()
    {
        if (_connection is { } c)
        {
            _connection = null;
            await c.DisposeAsync();
        }
    }

    /// <summary>The script once: null/null on success, the SQLSTATE of a failure, or why the client must stop.</summary>
    private async Task<(string? FailedSqlState, string? Abort)> RunTransactionAsync()
    {
        var connection = _connection!;
        foreach (var command in run.Script.Commands)
        {
            switch (command)
            {
                case SetCommand set:
                    if (!set.Expression.TryEvaluate(_variables, thread.Random, out var value, out var error))
                        return (null, $"line {set.Line}: \\set {set.Name}: {error}");
                    _variables[set.Name] = value;
                    break;
                case SleepCommand sleep:
                    if (!sleep.Amount.TryEvaluate(_variables, thread.Random, out var amount, out var sleepError))
                        return (null, $"line {sleep.Line}: \\sleep: {sleepError}");
                    if (amount > 0)
                        await Task.Delay(TimeSpan.FromMicroseconds(amount * sleep.MicrosecondsPerUnit), thread.Engine.TimeProvider, run.Stop);
                    break;
                case SqlCommand sql:
                    var outcome = await connection.ExecuteAsync(sql, run.Options.Mode, _variables);
                    if (outcome.Status == StatementStatus.ConnectionLost)
                        return (null, $"connection lost: {outcome.Message}");
                    if (outcome.Status == StatementStatus.Error)
                        return await RollbackAfterAsync(connection, outcome.SqlState!);
                    break;
            }
        }
        return (null, null);
    }

    private static async Task<(string? FailedSqlState, string? Abort)> RollbackAfterAsync(BenchConnection connection, string sqlState)
    {
        if (connection.TransactionStatus != TransactionStatus.Idle)
        {
            var rollback = await connection.QueryScalarAsync("ROLLBACK");
            if (rollback.Outcome.Status == StatementStatus.ConnectionLost)
                return (null, $"connection lost during ROLLBACK: {rollback.Outcome.Message}");
        }
        return (sqlState, null);
    }
}
