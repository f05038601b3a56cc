// COPY both ways, LISTEN/NOTIFY in session mode and a 100 MB result through the pooler.
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Pooler.Config;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class StreamingTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 120_000)]
    public async Task Copy_InAndOut_RoundTripsRows()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var c = await pooler.OpenAsync();
        await c.ExecAsync("DROP TABLE IF EXISTS copy_rt; CREATE TABLE copy_rt(id int, payload text)");

        const int rows = 50_000;
        await using (var import = await c.BeginBinaryImportAsync("COPY copy_rt FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await import.StartRowAsync();
                await import.WriteAsync(i, NpgsqlDbType.Integer);
                await import.WriteAsync(new string('p', 200), NpgsqlDbType.Text);
            }
            await import.CompleteAsync();
        }

        var exported = 0;
        using (var reader = await c.BeginTextExportAsync("COPY copy_rt TO STDOUT"))
        {
            while (await reader.ReadLineAsync() is not null)
                exported++;
        }

        Assert.Equal(rows, exported);
        Assert.Equal((long)rows, await c.ScalarAsync("SELECT count(*) FROM copy_rt"));
        await c.ExecAsync("DROP TABLE copy_rt");
    }

    [Fact(Timeout = 60_000)]
    public async Task ListenNotify_SessionMode_NotificationDelivered()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { PoolMode = PoolMode.Session });
        await using var listener = await pooler.OpenAsync();
        await using var notifier = await pooler.OpenAsync();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => received.TrySetResult(e.Payload);
        await listener.ExecAsync("LISTEN pooler_chan");

        await notifier.ExecAsync("NOTIFY pooler_chan, 'hello'");
        var wait = listener.WaitAsync(TimeSpan.FromSeconds(10));

        await wait;
        Assert.Equal("hello", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 180_000)]
    public async Task LargeResult_100MB_StreamsWithBoundedPoolerMemory()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var c = await pooler.OpenAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();

        // 100 rows of 1 MiB each, read as streams so the test itself does not hold them.
        await using var cmd = new NpgsqlCommand("SELECT repeat('z', 1048576) FROM generate_series(1, 100)", c);
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess);
        long bytes = 0;
        var buffer = new byte[65536];
        while (await reader.ReadAsync())
        {
            await using var stream = reader.GetStream(0);
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
                bytes += n;
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);

        output.WriteLine($"{bytes / 1048576} MiB in {clock.Elapsed.TotalSeconds:F1} s; managed heap {before / 1048576} -> {after / 1048576} MiB");
        Assert.Equal(100L * 1048576, bytes);
        // The pooler runs in this process: its retained memory after the transfer must be far below the result size.
        Assert.True(after - before < 32L * 1048576, $"heap grew by {(after - before) / 1048576} MiB");
    }
}
