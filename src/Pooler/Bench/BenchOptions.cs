// Everything one `pooler bench` invocation was asked to do, as parsed from its command line.
using Pooler.Io;

namespace Pooler.Bench;

/// <summary>The options of one run. Defaults follow pgbench where pgbench has the option.</summary>
public sealed record BenchOptions
{
    /// <summary>Host name or IP, or a unix socket directory when it starts with '/'.</summary>
    public string Host { get; init; } = "/var/run/postgresql";

    public int Port { get; init; } = 5432;

    public string User { get; init; } = "postgres";

    public string Database { get; init; } = "postgres";

    /// <summary>From PGPASSWORD or ~/.pgpass; null when neither has one.</summary>
    public string? Password { get; init; }

    public int Clients { get; init; } = 1;

    public int Threads { get; init; } = 1;

    /// <summary>Run length with -T; null when -t (or the default of 10 transactions per client) applies.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Transactions per client with -t (pgbench's default: 10).</summary>
    public int TransactionsPerClient { get; init; } = 10;

    /// <summary>-C: a new connection for every transaction.</summary>
    public bool ConnectPerTransaction { get; init; }

    public QueryMode Mode { get; init; } = QueryMode.Simple;

    /// <summary>Builtin script name (-b); ignored when <see cref="ScriptFile"/> is set.</summary>
    public string Builtin { get; init; } = BuiltinScripts.SelectOnly;

    /// <summary>-f FILE: a custom script.</summary>
    public string? ScriptFile { get; init; }

    /// <summary>-i: create and fill pgbench's tables instead of running a benchmark.</summary>
    public bool Initialize { get; init; }

    /// <summary>-s: the scale to create with -i, or the :scale of a run (otherwise read from pgbench_branches).</summary>
    public int? Scale { get; init; }

    /// <summary>-R: target transactions per second across all clients; null means as fast as possible.</summary>
    public double? Rate { get; init; }

    /// <summary>-P: seconds between progress lines on stderr; null for none.</summary>
    public double? ProgressInterval { get; init; }

    /// <summary>--json: the final report as JSON on stdout instead of text.</summary>
    public bool Json { get; init; }

    /// <summary>--io-backend: the event backend of every bench thread (auto picks like the pooler's ev_backend).</summary>
    public EvBackend Backend { get; init; } = EvBackend.Auto;

    /// <summary>True when the host names a unix socket directory.</summary>
    public bool IsUnixSocket => Host.StartsWith('/');
}
