// Process entry point of the `pooler` executable: hands the command line to the CLI dispatcher.
using Pooler.Cli;

return await CommandLine.RunAsync(args, new CommandContext { Out = Console.Out, Error = Console.Error });
