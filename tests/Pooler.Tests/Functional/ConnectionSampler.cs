// Samples pg_stat_activity during a run to find the most server connections a pool ever had.
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

internal sealed class ConnectionSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _sql;

    public ConnectionSampler(PostgresServer pg, string user)
    {
        _sql = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' " +
               $"AND usename = '{user}' AND datname = '{PostgresServer.Database}' AND pid <> pg_backend_pid()";
        _loop = RunAsync(pg);
    }

    public long Max { get; private set; }

    public int Samples { get; private set; }

    private async Task RunAsync(PostgresServer pg)
    {
        // The sampler connects as the superuser to the "postgres" database, so it never counts itself.
        await using var c = new NpgsqlConnection(pg.ConnectionString(PostgresServer.SuperUser, database: "postgres"));
        await c.OpenAsync();
        while (!_stop.IsCancellationRequested)
        {
            var n = (long)(await c.ScalarAsync(_sql))!;
            Max = Math.Max(Max, n);
            Samples++;
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
    }
}
