// What a subcommand may touch of its surroundings, injectable so tests run the CLI in-process.
using Pooler.Config;
using Serilog;

namespace Pooler.Cli;

/// <summary>Output streams, environment, cancellation and the host to run, for one CLI invocation.</summary>
public sealed record CommandContext
{
    /// <summary>Where results go (summaries, versions, help asked for).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Where errors, usage after a mistake, and <c>run</c>'s log go.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Environment lookup (POOLER_CONFIG).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Stops <c>pooler run</c> like a signal would; the process passes none.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Whether <c>run</c> installs SIGINT/SIGTERM handlers (false in tests, which share a process).</summary>
    public bool HandleSignals { get; init; } = true;

    /// <summary>Whether <c>run</c> logs to <see cref="Error"/> instead of the console's stderr. The process
    /// leaves it false so the console sink can colour a terminal.</summary>
    public bool LogToErrorWriter { get; init; }

    /// <summary>What <c>run</c> runs once the configuration is valid.</summary>
    public Func<PoolerConfig, ILogger, CancellationToken, Task> Host { get; init; } = Hosting.PoolerHost.RunAsync;
}
