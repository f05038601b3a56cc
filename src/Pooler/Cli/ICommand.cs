// A top-level subcommand of `pooler`; a new one (admin, bench) is one class plus one line in CommandLine.Commands.
namespace Pooler.Cli;

/// <summary>A subcommand such as <c>run</c> or <c>config</c>.</summary>
public interface ICommand
{
    /// <summary>The word that selects it: <c>pooler NAME ...</c>.</summary>
    string Name { get; }

    /// <summary>One usage line per form, without the leading "pooler ", e.g. "run [-c FILE]".</summary>
    IReadOnlyList<string> Synopsis { get; }

    /// <summary>One line for the general help.</summary>
    string Summary { get; }

    /// <summary>Detailed help printed by <c>pooler help NAME</c> and <c>pooler NAME --help</c>.</summary>
    string Help { get; }

    /// <summary>Runs with the arguments after the command word; returns an <see cref="ExitCodes"/> value.</summary>
    Task<int> ExecuteAsync(IReadOnlyList<string> args, CommandContext context);
}
