// Runs a benchmark: one IoEngine per thread, clients spread over them, initial connections before the clock
// starts (unless -C), optional progress lines, then the merged report.
using System.Globalization;
using System.Net;
using Pooler.Io;

namespace Pooler.Bench;

/// <summary>Exit codes of a bench run (pgbench's): 0 done, 1 could not start, 2 some clients aborted.</summary>
public static class BenchRunner
{
    public const int ExitOk = 0, ExitStartFailed = 1, ExitAborted = 2;

    /// <summary>Runs <paramref name="script"/>; the report goes to <paramref name="output"/>, progress and errors to
    /// <paramref name="log"/>. <paramref name="stop"/> (Ctrl-C) ends the run early and still reports.</summary>
    public static async Task<(int ExitCode, BenchReport? Report)> RunAsync(BenchOptions options, BenchScript script, EndPoint endPoint,
        bool builtin, TextWriter output, TextWriter log, CancellationToken stop)
    {
        var engines = new List<IoEngine>();
        try
        {
            for (var i = 0; i < options.Threads; i++)
            {
                var engine = IoEngine.Create(options.Backend);
                engines.Add(engine);
                engine.Start();
            }

            var (scale, scaleError) = await FindScaleAsync(engines[0], options, endPoint, builtin, stop);
            if (scaleError is not null)
            {
                await log.WriteLineAsync($"pooler bench: {scaleError}");
                return (ExitStartFailed, null);
            }

            var run = new BenchRunContext(options, script, endPoint, scale, stop);
            var ratePerThread = options.Rate / options.Threads;
            var threads = engines.Select((e, i) => new BenchThread(e, i, ratePerThread, Environment.TickCount ^ (i * 7919))).ToList();
            for (var c = 0; c < options.Clients; c++)
            {
                var t = threads[c % threads.Count];
                t.Clients.Add(new BenchClient(t, run, c));
            }

            if (!options.ConnectPerTransaction)
            {
                var errors = await Task.WhenAll(threads.Select(t => t.Engine.RunAsync(async () =>
                    (await Task.WhenAll(t.Clients.Select(c => c.ConnectAsync()))).FirstOrDefault(e => e is not null))));
                if (errors.FirstOrDefault(e => e is not null) is { } connectError)
                {
                    await log.WriteLineAsync($"pooler bench: {connectError}");
                    await Task.WhenAll(threads.Select(t => t.Engine.RunAsync(() => Task.WhenAll(t.Clients.Select(c => c.CloseAfterFailedStartAsync())))));
                    return (ExitStartFailed, null);
                }
            }

            var start = BenchClock.Now();
            if (options.Duration is { } duration)
                run.DeadlineNs = start + (long)(duration.TotalSeconds * 1e9);
            using var progressStop = new CancellationTokenSource();
            var progress = options.ProgressInterval is { } interval
                ? ReportProgressAsync(threads, interval, start, log, progressStop.Token) : Task.CompletedTask;
            await Task.WhenAll(threads.Select(t => t.Engine.RunAsync(() =>
            {
                t.StartSchedule(start);
                return Task.WhenAll(t.Clients.Select(c => c.RunAsync()));
            })));
            var elapsed = (BenchClock.Now() - start) / 1e9;
            await progressStop.CancelAsync();
            await progress;

            var total = new BenchStats();
            foreach (var t in threads)
                total.Add(t.Stats);
            var name = builtin ? "<builtin: " + options.Builtin + ">" : script.Name;
            var report = new BenchReport(options, name, scale, total, elapsed, stop.IsCancellationRequested, engines[0].BackendName);
            if (options.Json)
                report.WriteJson(output);
            else
                report.WriteText(output);
            return (total.AbortedClients > 0 ? ExitAborted : ExitOk, report);
        }
        finally
        {
            foreach (var e in engines)
                e.Dispose();
        }
    }

    /// <summary>-s when given; for builtin scripts the row count of pgbench_branches (as pgbench reads it); else 1.</summary>
    private static async Task<(long Scale, string? Error)> FindScaleAsync(IoEngine engine, BenchOptions options, EndPoint endPoint,
        bool builtin, CancellationToken ct)
    {
        if (options.Scale is { } given)
            return (given, null);
        if (!builtin)
            return (1, null);
        return await engine.RunAsync(async () =>
        {
            var (connection, error) = await BenchConnection.OpenAsync(engine, endPoint, options, BenchRunContext.ConnectTimeout, ct);
            if (connection is null)
                return (0L, error);
            await using (connection)
            {
                var (value, outcome) = await connection.QueryScalarAsync("select count(*) from pgbench_branches");
                if (outcome.Status != StatementStatus.Ok)
                    return (0L, $"could not read the scale from pgbench_branches ({outcome.Message}); run `pooler bench -i` first");
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var scale) || scale < 1)
                    return (0L, "pgbench_branches is empty; run `pooler bench -i` first");
                return (scale, (string?)null);
            }
        });
    }

    /// <summary>Every <paramref name="interval"/> seconds: "progress: 5.0 s, 1234.5 tps, lat 0.805 ms stddev 0.215, 0 failed".</summary>
    private static async Task ReportProgressAsync(List<BenchThread> threads, double interval, long start, TextWriter log, CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(interval);
        var last = start;
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var sum = default(IntervalStats);
                foreach (var t in threads)
                    sum += await t.Engine.Invoke(() => t.Stats.TakeInterval());
                var now = BenchClock.Now();
                var seconds = (now - last) / 1e9;
                last = now;
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"progress: {(now - start) / 1e9:0.0} s, {(seconds > 0 ? sum.Count / seconds : 0):0.0} tps, lat {sum.MeanNs / 1e6:0.000} ms stddev {sum.StdDevNs / 1e6:0.000}, {sum.Failures} failed"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }
}
