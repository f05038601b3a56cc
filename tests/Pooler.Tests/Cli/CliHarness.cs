// Runs the CLI in-process with captured output, and writes throwaway config files for it.
using Pooler.Cli;
using Pooler.Config;
using Serilog;

namespace Pooler.Tests.Cli;

internal sealed record CliResult(int ExitCode, string Out, string Error);

internal static class CliHarness
{
    /// <summary>Runs the CLI with no signal handlers and logs captured into <see cref="CliResult.Error"/>.</summary>
    public static async Task<CliResult> RunAsync(
        string[] args,
        Func<PoolerConfig, ILogger, CancellationToken, Task>? host = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellation = default)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CommandContext
        {
            Out = stdout,
            Error = stderr,
            HandleSignals = false,
            LogToErrorWriter = true,
            Cancellation = cancellation,
            GetEnvironmentVariable = name => environment?.GetValueOrDefault(name),
            Host = host ?? ((_, _, _) => Task.CompletedTask),
        };
        var code = await CommandLine.RunAsync(args, context);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The repository root (the directory holding Pooler.sln), found upwards from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pooler.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Pooler.sln not found above " + AppContext.BaseDirectory);
    }
}
