// The arithmetic of `\set name expr`: integers, :variables, + - * / % and parentheses, and the functions
// random(lo, hi), abs(x), least(...), greatest(...). A subset of pgbench's expression language (integers only).
namespace Pooler.Bench;

/// <summary>A parsed expression; evaluation errors (division by zero, unset variable, bad range) are values.</summary>
public abstract class SetExpression
{
    /// <summary>Evaluates with the client's variables and random generator.</summary>
    public abstract bool TryEvaluate(IReadOnlyDictionary<string, long> variables, Random random, out long value, out string? error);

    /// <summary>Names of the variables the expression reads.</summary>
    public abstract IEnumerable<string> Variables { get; }

    internal sealed class Constant(long value) : SetExpression
    {
        public override bool TryEvaluate(IReadOnlyDictionary<string, long> variables, Random random, out long v, out string? error)
        {
            v = value;
            error = null;
            return true;
        }

        public override IEnumerable<string> Variables => [];
    }

    internal sealed class Variable(string name) : SetExpression
    {
        public override bool TryEvaluate(IReadOnlyDictionary<string, long> variables, Random random, out long v, out string? error)
        {
            error = variables.TryGetValue(name, out v) ? null : $"undefined variable \"{name}\"";
            return error is null;
        }

        public override IEnumerable<string> Variables => [name];
    }

    internal sealed class Binary(char op, SetExpression left, SetExpression right) : SetExpression
    {
        public override bool TryEvaluate(IReadOnlyDictionary<string, long> variables, Random random, out long v, out string? error)
        {
            v = 0;
            if (!left.TryEvaluate(variables, random, out var a, out error) || !right.TryEvaluate(variables, random, out var b, out error))
                return false;
            if (op is '/' or '%' && b == 0)
            {
                error = "division by zero";
                return false;
            }
            // Wrap-around like pgbench's int8 arithmetic would be an error there; unchecked keeps this allocation-free
            // and the values benchmarks use never come near 2^63.
            v = op switch
            {
                '+' => unchecked(a + b),
                '-' => unchecked(a - b),
                '*' => unchecked(a * b),
                '/' => b == -1 ? unchecked(-a) : a / b,
                _ => b == -1 ? 0 : a % b,
            };
            return true;
        }

        public override IEnumerable<string> Variables => left.Variables.Concat(right.Variables);
    }

    internal sealed class Function(string name, SetExpression[] args) : SetExpression
    {
        public override bool TryEvaluate(IReadOnlyDictionary<string, long> variables, Random random, out long v, out string? error)
        {
            v = 0;
            Span<long> values = stackalloc long[args.Length];
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].TryEvaluate(variables, random, out values[i], out error))
                    return false;
            }
            error = null;
            switch (name)
            {
                case "random":
                    if (values[0] > values[1])
                    {
                        error = $"empty range given to random: {values[0]} > {values[1]}";
                        return false;
                    }
                    // NextInt64's upper bound is exclusive; hi + 1 overflows only for long.MaxValue.
                    v = values[1] == long.MaxValue ? random.NextInt64(values[0], values[1]) : random.NextInt64(values[0], values[1] + 1);
                    return true;
                case "abs":
                    v = Math.Abs(values[0]);
                    return true;
                case "least":
                    v = values[0];
                    foreach (var x in values) v = Math.Min(v, x);
                    return true;
                default:
                    v = values[0];
                    foreach (var x in values) v = Math.Max(v, x);
                    return true;
            }
        }

        public override IEnumerable<string> Variables => args.SelectMany(a => a.Variables);
    }
}
