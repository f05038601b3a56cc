// `\set name expr`: assigns an integer variable for the rest of the transaction (and later ones).
namespace Pooler.Bench;

public sealed class SetCommand(int line, string name, SetExpression expression) : ScriptCommand(line)
{
    public string Name { get; } = name;

    public SetExpression Expression { get; } = expression;
}
