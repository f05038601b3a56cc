// A parsed bench script: the commands one transaction runs, in order.
namespace Pooler.Bench;

/// <summary>One transaction's worth of commands (pgbench counts one script execution as one transaction).</summary>
public sealed class BenchScript(string name, IReadOnlyList<ScriptCommand> commands)
{
    /// <summary>Variables every client has without a \set (pgbench's automatic variables).</summary>
    public static readonly IReadOnlySet<string> AutomaticVariables = new HashSet<string> { "scale", "client_id" };

    /// <summary>"builtin: select-only" or the file name.</summary>
    public string Name { get; } = name;

    public IReadOnlyList<ScriptCommand> Commands { get; } = commands;

    public IEnumerable<SqlCommand> SqlCommands => Commands.OfType<SqlCommand>();
}
