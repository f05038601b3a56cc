// \set expression evaluation: precedence, variables, functions, and evaluation errors as values.
using Pooler.Bench;

namespace Pooler.Tests.Bench;

public sealed class SetExpressionTests
{
    private static readonly Dictionary<string, long> Vars = new() { ["scale"] = 3, ["x"] = -4 };

    private static long Eval(string text)
    {
        var (expr, error) = SetExpressionParser.Parse(text);
        Assert.True(expr is not null, error);
        Assert.True(expr!.TryEvaluate(Vars, new Random(1), out var value, out var evalError), evalError);
        return value;
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("100 / 7", 14)]
    [InlineData("-7 / 2", -3)]
    [InlineData("17 % 5", 2)]
    [InlineData("-:x", 4)]
    [InlineData("100000 * :scale", 300000)]
    [InlineData("abs(:x) + least(5, 2, 9) + greatest(1, 8)", 14)]
    [InlineData("random(7, 7)", 7)]
    [InlineData("  2*-3  ", -6)]
    public void TryEvaluate_Expression_Value(string text, long expected)
    {
        Assert.Equal(expected, Eval(text));
    }

    [Fact]
    public void TryEvaluate_Random_StaysInRangeAndCoversIt()
    {
        var (expr, _) = SetExpressionParser.Parse("random(-5, 5)");
        var rng = new Random(42);
        var seen = new HashSet<long>();
        for (var i = 0; i < 2000; i++)
        {
            Assert.True(expr!.TryEvaluate(Vars, rng, out var v, out _));
            Assert.InRange(v, -5, 5);
            seen.Add(v);
        }
        Assert.Equal(11, seen.Count);
    }

    [Theory]
    [InlineData("1 / 0", "division by zero")]
    [InlineData(":missing + 1", "undefined variable \"missing\"")]
    [InlineData("random(5, 1)", "empty range")]
    public void TryEvaluate_Invalid_ErrorValue(string text, string expected)
    {
        var (expr, _) = SetExpressionParser.Parse(text);

        Assert.False(expr!.TryEvaluate(Vars, new Random(1), out _, out var error));
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("1.5", "only integers")]
    [InlineData("sqrt(4)", "unknown function")]
    [InlineData("random(1)", "wrong number of arguments")]
    [InlineData("(1 + 2", "missing ')'")]
    [InlineData("1 2", "unexpected '2'")]
    [InlineData("99999999999999999999", "out of range")]
    [InlineData(":", "missing variable name")]
    public void Parse_Invalid_Error(string text, string expected)
    {
        var (expr, error) = SetExpressionParser.Parse(text);

        Assert.Null(expr);
        Assert.Contains(expected, error);
    }
}
