// `\sleep n [us|ms|s]`: the client waits; the time counts in the transaction's latency, as in pgbench.
namespace Pooler.Bench;

public sealed class SleepCommand(int line, SetExpression amount, long microsecondsPerUnit) : ScriptCommand(line)
{
    public SetExpression Amount { get; } = amount;

    public long MicrosecondsPerUnit { get; } = microsecondsPerUnit;
}
