// The final report of a run: text like pgbench's summary, or JSON (--json) for machines.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pooler.Bench;

/// <summary>Figures of a finished (or interrupted) run, merged over all threads.</summary>
public sealed record BenchReport(BenchOptions Options, string ScriptName, long Scale, BenchStats Stats, double ElapsedSeconds,
    bool Interrupted, string Backend)
{
    /// <summary>Transactions per second over the measured time (after the initial connections, like pgbench).</summary>
    public double Tps => ElapsedSeconds > 0 ? Stats.Transactions / ElapsedSeconds : 0;

    public double AverageConnectMs => Stats.Connections == 0 ? 0 : Stats.ConnectNanoseconds / 1e6 / Stats.Connections;

    /// <summary>The percentiles every report lists.</summary>
    public static readonly double[] Percentiles = [50, 90, 99, 99.9];

    private static string Ms(double ns) => (ns / 1e6).ToString("0.000", CultureInfo.InvariantCulture);

    private static string F(double v, string format = "0.000") => v.ToString(format, CultureInfo.InvariantCulture);

    public void WriteText(TextWriter w)
    {
        var o = Options;
        var s = Stats;
        var total = s.Transactions + s.Failures;
        var sb = new StringBuilder();
        sb.Append($"transaction type: {ScriptName}\n");
        sb.Append($"scaling factor: {Scale}\n");
        sb.Append($"query mode: {o.Mode.ToString().ToLowerInvariant()}\n");
        sb.Append($"number of clients: {o.Clients}\n");
        sb.Append($"number of threads: {o.Threads} (io backend {Backend})\n");
        if (o.ConnectPerTransaction) sb.Append("connection per transaction: yes\n");
        if (o.Rate is { } rate) sb.Append($"target rate: {F(rate, "0.0")} tps\n");
        if (o.Duration is { } d)
            sb.Append($"duration: {(long)d.TotalSeconds} s\n");
        else
            sb.Append($"number of transactions per client: {o.TransactionsPerClient}\n");
        sb.Append(o.Duration is null
            ? $"number of transactions actually processed: {s.Transactions}/{(long)o.Clients * o.TransactionsPerClient}\n"
            : $"number of transactions actually processed: {s.Transactions}\n");
        sb.Append($"number of failed transactions: {s.Failures} ({F(total == 0 ? 0 : 100.0 * s.Failures / total)}%)\n");
        foreach (var (state, n) in s.FailuresBySqlState.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            sb.Append($"  SQLSTATE {state}: {n}\n");
        if (s.AbortedClients > 0)
            sb.Append($"aborted clients: {s.AbortedClients} (first: {s.FirstAbortReason})\n");
        if (Interrupted)
            sb.Append("run interrupted: the figures cover the time until the stop\n");
        var h = s.Latency;
        sb.Append($"latency average = {Ms(h.Mean)} ms\n");
        sb.Append($"latency stddev = {Ms(h.StdDev)} ms\n");
        sb.Append("latency percentiles:");
        foreach (var p in Percentiles)
            sb.Append($" p{F(p, "0.#")} = {Ms(h.ValueAtPercentile(p))} ms,");
        sb.Append($" max = {Ms(h.Count == 0 ? 0 : h.Max)} ms\n");
        sb.Append($"average connection time = {F(AverageConnectMs)} ms ({s.Connections} connections)\n");
        sb.Append($"tps = {F(Tps, "0.000000")} ({(o.ConnectPerTransaction ? "including reconnection times" : "without initial connection time")})\n");
        w.Write(sb.ToString());
    }

    public void WriteJson(TextWriter w)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // keep '<builtin: …>' readable
        }))
        {
            var o = Options;
            var s = Stats;
            var h = s.Latency;
            j.WriteStartObject();
            j.WriteString("script", ScriptName);
            j.WriteNumber("scale", Scale);
            j.WriteString("mode", o.Mode.ToString().ToLowerInvariant());
            j.WriteNumber("clients", o.Clients);
            j.WriteNumber("threads", o.Threads);
            j.WriteString("backend", Backend);
            j.WriteBoolean("connect_per_transaction", o.ConnectPerTransaction);
            if (o.Rate is { } rate) j.WriteNumber("target_rate", rate); else j.WriteNull("target_rate");
            if (o.Duration is { } d) j.WriteNumber("duration_s", d.TotalSeconds); else j.WriteNull("duration_s");
            if (o.Duration is null) j.WriteNumber("transactions_per_client", o.TransactionsPerClient);
            j.WriteNumber("transactions", s.Transactions);
            j.WriteNumber("failures", s.Failures);
            j.WriteStartObject("failures_by_sqlstate");
            foreach (var (state, n) in s.FailuresBySqlState.OrderBy(p => p.Key, StringComparer.Ordinal))
                j.WriteNumber(state, n);
            j.WriteEndObject();
            j.WriteNumber("aborted_clients", s.AbortedClients);
            if (s.FirstAbortReason is { } reason) j.WriteString("first_abort_reason", reason);
            j.WriteBoolean("interrupted", Interrupted);
            j.WriteNumber("elapsed_s", Math.Round(ElapsedSeconds, 6));
            j.WriteNumber("tps", Math.Round(Tps, 3));
            j.WriteStartObject("latency_ms");
            j.WriteNumber("average", Math.Round(h.Mean / 1e6, 4));
            j.WriteNumber("stddev", Math.Round(h.StdDev / 1e6, 4));
            foreach (var p in Percentiles)
                j.WriteNumber("p" + F(p, "0.#"), Math.Round(h.ValueAtPercentile(p) / 1e6, 4));
            j.WriteNumber("max", Math.Round((h.Count == 0 ? 0 : h.Max) / 1e6, 4));
            j.WriteEndObject();
            j.WriteNumber("connections", s.Connections);
            j.WriteNumber("connection_time_avg_ms", Math.Round(AverageConnectMs, 4));
            j.WriteEndObject();
        }
        w.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
