// `pooler run -c FILE`: load the configuration, set up logging, run the pooler in the foreground until a signal.
using System.Runtime.InteropServices;
using Pooler.Config;
using Pooler.Logging;

namespace Pooler.Cli;

/// <summary>Runs the pooler in the foreground. SIGINT or SIGTERM stop it (exit 0 after a clean stop); a second
/// SIGINT while stopping falls through to the default action, which kills the process.</summary>
public sealed class RunCommand : ICommand
{
    /// <summary>Environment variable naming the configuration file when -c is not given.</summary>
    public const string ConfigVariable = "POOLER_CONFIG";

    public string Name => "run";

    public IReadOnlyList<string> Synopsis => ["run [-c FILE]"];

    public string Summary => "Run the pooler in the foreground (logs to stderr)";

    public string Help => $"""
        Usage: pooler run [-c FILE | --config FILE]

        Runs the pooler in the foreground with the configuration FILE (TOML); logs go to stderr
        (and to logfile when set). Without -c, the file named by ${ConfigVariable} is used; one of the
        two is required. An invalid configuration prints every error and exits 1.
        Ctrl-C (SIGINT) or SIGTERM stop the pooler cleanly (exit 0); a second Ctrl-C kills it.

        """;

    public async Task<int> ExecuteAsync(IReadOnlyList<string> args, CommandContext context)
    {
        var (path, error) = ParseArgs(args, context);
        if (error is not null)
            return CommandLine.UsageError(context, "run: " + error);

        var result = ConfigLoader.Load(path!);
        if (!result.IsSuccess)
        {
            ConfigErrorPrinter.Print(context.Error, path!, result.Errors);
            return ExitCodes.Failure;
        }
        var config = result.Config;

        using var log = LogSetup.Create(config.Pooler, context.LogToErrorWriter ? context.Error : null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        using var sigint = context.HandleSignals ? Register(PosixSignal.SIGINT, stop) : null;
        using var sigterm = context.HandleSignals ? Register(PosixSignal.SIGTERM, stop) : null;

        log.Information("pooler {Version} starting with {ConfigPath}", VersionInfo.Version, config.SourcePath);
        var pidFileWritten = WritePidFile(config.Pooler.PidFile, log);
        try
        {
            await context.Host(config, log, stop.Token);
            log.Information("pooler exiting (clean stop)");
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            log.Information("pooler exiting (clean stop)");
            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            log.Fatal(e, "pooler failed");
            return ExitCodes.Failure;
        }
        finally
        {
            if (pidFileWritten)
                TryDelete(config.Pooler.PidFile!);
        }
    }

    private static (string? Path, string? Error) ParseArgs(IReadOnlyList<string> args, CommandContext context)
    {
        string? path = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? value;
            if (arg is "-c" or "--config")
            {
                if (i + 1 >= args.Count)
                    return (null, $"{arg} needs a FILE");
                value = args[++i];
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                value = arg["--config=".Length..];
            }
            else
            {
                return (null, $"unexpected argument '{arg}'");
            }
            if (path is not null)
                return (null, "configuration file given twice");
            path = value;
        }
        path ??= context.GetEnvironmentVariable(ConfigVariable);
        if (string.IsNullOrEmpty(path))
            return (null, $"no configuration file: give -c FILE or set {ConfigVariable}");
        return (path, null);
    }

    private static PosixSignalRegistration Register(PosixSignal signal, CancellationTokenSource stop) =>
        Io.Signals.Register(signal, ctx =>
        {
            // The first signal asks for a clean stop; a second SIGINT keeps the default action (terminate),
            // the usual way out of a stop that hangs.
            if (stop.IsCancellationRequested && ctx.Signal == PosixSignal.SIGINT)
                return;
            ctx.Cancel = true;
            // SIGTERM lets open transactions finish (up to shutdown_timeout); SIGINT stops at once.
            Hosting.PoolerHost.GracefulStopRequested = ctx.Signal == PosixSignal.SIGTERM && !stop.IsCancellationRequested;
            stop.Cancel();
        });

    private static bool WritePidFile(string? path, Serilog.ILogger log)
    {
        if (path is null)
            return false;
        try
        {
            File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning("cannot write pidfile {PidFile}: {Reason}", path, e.Message);
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stale pidfile names a dead process, which tools already handle.
        }
    }
}
