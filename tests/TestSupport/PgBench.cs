// Runs pgbench (initialisation and benchmark runs) against a server or a pooler and reads its summary.
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pooler.TestSupport;

public static partial class PgBench
{
    /// <summary>`pgbench -i -s SCALE` (tables pgbench_*; `--quiet` keeps the output short).</summary>
    public static Task<ProcessResult> InitAsync(
        string host, int port, string user, string database, int scale = 1, string? password = null, CancellationToken ct = default) =>
        ProcessRunner.RunAsync(PgTools.PgBench,
            ["-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", user, "-i", "--quiet", "-s", scale.ToString(CultureInfo.InvariantCulture), database],
            environment: PgEnvironment.For(password), ct: ct);

    /// <summary>Runs pgbench with <paramref name="arguments"/> (e.g. `-c 200 -j 4 -t 50 -S`, or `-M extended`)
    /// and parses its summary. pgbench's exit code is in <see cref="PgBenchResult.Process"/>.</summary>
    public static async Task<PgBenchResult> RunAsync(
        string host, int port, string user, string database, IEnumerable<string> arguments, string? password = null, CancellationToken ct = default)
    {
        var result = await ProcessRunner.RunAsync(PgTools.PgBench,
            ["-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", user, "--no-vacuum", .. arguments, database],
            environment: PgEnvironment.For(password), ct: ct);
        var processed = ProcessedLine().Match(result.StdOut);
        var failed = FailedLine().Match(result.StdOut);
        var tps = TpsLine().Match(result.StdOut);
        return new PgBenchResult(
            result,
            processed.Success ? long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            processed.Success && processed.Groups[2].Success ? long.Parse(processed.Groups[2].Value, CultureInfo.InvariantCulture) : 0,
            failed.Success ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            tps.Success ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    // "number of transactions actually processed: 400/400" (with -t) or ": 1234" (with -T).
    [GeneratedRegex(@"number of transactions actually processed: (\d+)(?:/(\d+))?")]
    private static partial Regex ProcessedLine();

    // PostgreSQL 15+: "number of failed transactions: 0 (0.000%)".
    [GeneratedRegex(@"number of failed transactions: (\d+)")]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();
}
