// `pooler config check FILE`: validate a configuration and summarise what it would run.
using Pooler.Config;

namespace Pooler.Cli;

/// <summary>The <c>config</c> command group; today only <c>check</c>. Later: get/set through the management socket.</summary>
public sealed class ConfigCommand : ICommand
{
    public string Name => "config";

    public IReadOnlyList<string> Synopsis => ["config check FILE"];

    public string Summary => "Validate a configuration file; print every error, or a summary";

    public string Help => """
        Usage: pooler config check FILE

        Loads FILE as the pooler would and reports every problem at once, one per line:
          path: message (line L, column C)
        Exits 1 when there is any error. Otherwise prints a short summary (listeners, workers,
        pool mode, authentication, databases) and exits 0.

        """;

    public Task<int> ExecuteAsync(IReadOnlyList<string> args, CommandContext context)
    {
        if (args.Count == 0)
            return Task.FromResult(CommandLine.UsageError(context, "config: missing subcommand (check)"));
        if (args[0] != "check")
            return Task.FromResult(CommandLine.UsageError(context, $"config: unknown subcommand '{args[0]}'"));
        if (args.Count != 2 || args[1].StartsWith('-'))
            return Task.FromResult(CommandLine.UsageError(context, "config check: expected exactly one FILE"));

        var path = args[1];
        var result = ConfigLoader.Load(path);
        if (!result.IsSuccess)
        {
            ConfigErrorPrinter.Print(context.Error, path, result.Errors);
            return Task.FromResult(ExitCodes.Failure);
        }
        context.Out.WriteLine($"{path}: OK");
        context.Out.Write(ConfigSummary.Describe(result.Config));
        return Task.FromResult(ExitCodes.Ok);
    }
}
