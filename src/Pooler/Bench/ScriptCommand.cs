// One step of a bench script: an SQL command sent to the server, or a meta command run by the client.
namespace Pooler.Bench;

/// <summary>Base of <see cref="SqlCommand"/>, <see cref="SetCommand"/> and <see cref="SleepCommand"/>.</summary>
public abstract class ScriptCommand(int line)
{
    /// <summary>1-based line in the script where the command starts (for error messages).</summary>
    public int Line { get; } = line;
}
