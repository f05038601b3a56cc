// The `pooler` command line: global flags (--help, --version) and dispatch to the subcommands.
namespace Pooler.Cli;

/// <summary>Entry point of the CLI, callable in-process with its own writers (tests) or from Program.</summary>
public static class CommandLine
{
    /// <summary>Every subcommand. A new one is one class and one line here.</summary>
    public static readonly IReadOnlyList<ICommand> Commands = [new RunCommand(), new ConfigCommand(), new BenchCommand(), new AdminCommand(), new WorkerCommand()];

    /// <summary>Runs the CLI with the process's environment; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, new CommandContext { Out = stdout, Error = stderr }).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CommandContext context)
    {
        if (args.Count == 0)
            return UsageError(context, "no command given");

        switch (args[0])
        {
            case "--help" or "-h" or "help":
                if (args.Count == 1)
                {
                    context.Out.Write(Usage());
                    return ExitCodes.Ok;
                }
                var topic = Find(args[1]);
                if (topic is null || args.Count > 2)
                    return UsageError(context, $"no help for '{string.Join(' ', args.Skip(1))}'");
                context.Out.Write(topic.Help);
                return ExitCodes.Ok;
            case "--version" or "-V" or "version":
                if (args.Count > 1)
                    return UsageError(context, $"unexpected argument '{args[1]}'");
                context.Out.WriteLine($"pooler {VersionInfo.Version}");
                return ExitCodes.Ok;
        }

        var command = Find(args[0]);
        if (command is null)
        {
            var what = args[0].StartsWith('-') ? "option" : "command";
            return UsageError(context, $"unknown {what} '{args[0]}'");
        }
        var rest = args.Skip(1).ToList();
        if (rest.Count > 0 && rest[^1] is "--help" or "-h")
        {
            context.Out.Write(command.Help);
            return ExitCodes.Ok;
        }
        return await command.ExecuteAsync(rest, context);
    }

    /// <summary>The general help text listing every subcommand.</summary>
    public static string Usage()
    {
        var lines = new List<(string Form, string Summary)>();
        foreach (var command in Commands)
        {
            for (var i = 0; i < command.Synopsis.Count; i++)
                lines.Add(("pooler " + command.Synopsis[i], i == 0 ? command.Summary : ""));
        }
        lines.Add(("pooler --version", "Print the version"));
        lines.Add(("pooler --help [COMMAND]", "Show this help, or a command's"));
        var width = lines.Max(l => l.Form.Length) + 3;

        var text = new System.Text.StringBuilder();
        text.Append($"pooler {VersionInfo.Version}: a PostgreSQL connection pooler\n\nUsage:\n");
        foreach (var (form, summary) in lines)
            text.Append(("  " + form.PadRight(width) + summary).TrimEnd()).Append('\n');
        text.Append("\nExit codes: 0 success, 1 failure (e.g. invalid configuration), 2 wrong command line.\n");
        return text.ToString();
    }

    /// <summary>Prints a command-line mistake and the usage to stderr; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int UsageError(CommandContext context, string message)
    {
        context.Error.WriteLine($"pooler: {message}");
        context.Error.WriteLine();
        context.Error.Write(Usage());
        return ExitCodes.Usage;
    }

    private static ICommand? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);
}
