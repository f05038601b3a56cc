// `pooler worker ...`: hidden subcommand the supervisor starts once per worker process (not in the usage text).
using Pooler.Config;
using Pooler.Logging;
using Pooler.Workers;

namespace Pooler.Cli;

/// <summary>Runs one worker: its own event loop, fed client sockets by the supervisor over an inherited socketpair.</summary>
public sealed class WorkerCommand : ICommand
{
    public string Name => "worker";

    // No synopsis: the general usage does not list it (only the supervisor starts workers).
    public IReadOnlyList<string> Synopsis => [];

    public string Summary => "";

    public string Help => """
        Usage: pooler worker --config FILE --fd N --id K --supervisor PID --shm PATH

        Internal: started by `pooler run` when workers > 0; not meant to be run by hand.

        """;

    public async Task<int> ExecuteAsync(IReadOnlyList<string> args, CommandContext context)
    {
        var parsed = WorkerArgs.Parse(args);
        if (parsed is null)
            return CommandLine.UsageError(context, "worker: internal command; started by `pooler run` with workers > 0");
        var result = ConfigLoader.Load(parsed.ConfigPath);
        if (!result.IsSuccess)
        {
            ConfigErrorPrinter.Print(context.Error, parsed.ConfigPath, result.Errors);
            return ExitCodes.Failure;
        }
        using var log = LogSetup.Create(result.Config.Pooler, context.LogToErrorWriter ? context.Error : null, worker: parsed.Id);
        try
        {
            return await new WorkerHost(parsed, log).RunAsync(result.Config);
        }
        catch (Exception e)
        {
            log.Fatal(e, "worker {Id} failed", parsed.Id);
            return ExitCodes.Failure;
        }
    }
}
