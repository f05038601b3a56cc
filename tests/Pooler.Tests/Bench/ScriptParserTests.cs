// Script parsing: SQL splitting on ';', meta commands, variable references in simple and parameterised form.
using Pooler.Bench;

namespace Pooler.Tests.Bench;

public sealed class ScriptParserTests
{
    private static BenchScript Parse(string text)
    {
        var (script, error) = ScriptParser.Parse("test", text);
        Assert.True(script is not null, error);
        return script!;
    }

    [Fact]
    public void Parse_TpcbLike_SetsThenSixStatements()
    {
        var script = Parse(BuiltinScripts.Text(BuiltinScripts.TpcbLike));

        Assert.Equal(["aid", "bid", "tid", "delta"], script.Commands.OfType<SetCommand>().Select(s => s.Name));
        var sql = script.SqlCommands.ToList();
        Assert.Equal(7, sql.Count);
        Assert.Equal("BEGIN", sql[0].Text);
        Assert.Equal("END", sql[^1].Text);
        Assert.Equal("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", sql[1].ParameterizedText);
        Assert.Equal(["delta", "aid"], sql[1].ParameterNames);
        Assert.Equal(Enumerable.Range(0, 7), sql.Select(s => s.Index));
    }

    [Fact]
    public void Parse_MultiLineStatementWithCommentsAndQuotedSemicolon_OneCommand()
    {
        var script = Parse("-- a comment line\nSELECT 'a;b',\n  2 -- trailing; comment\nFROM t;\n\n");

        var sql = Assert.Single(script.SqlCommands);
        Assert.Equal("SELECT 'a;b',\n  2 \nFROM t", sql.Text);
        Assert.Equal(2, sql.Line);
    }

    [Fact]
    public void BuildSimpleText_KnownVariables_Substituted_CastsAndUnknownLeft()
    {
        var script = Parse("\\set n 5\nSELECT :n::int, ':n', :other, :scale + :client_id;");
        var sql = Assert.Single(script.SqlCommands);
        var vars = new Dictionary<string, long> { ["n"] = -3, ["scale"] = 2, ["client_id"] = 7 };

        Assert.Equal("SELECT -3::int, ':n', :other, 2 + 7", sql.BuildSimpleText(vars));
        Assert.Equal("SELECT $1::int, ':n', :other, $2 + $3", sql.ParameterizedText);
        var values = new string?[3];
        sql.FillParameters(vars, values);
        Assert.Equal(new string?[] { "-3", "2", "7" }, values.AsEnumerable());
    }

    [Fact]
    public void Parse_SameVariableTwice_OneParameter()
    {
        var sql = Assert.Single(Parse("\\set a 1\nSELECT :a + :a;").SqlCommands);

        Assert.Equal("SELECT $1 + $1", sql.ParameterizedText);
        Assert.Single(sql.ParameterNames);
    }

    [Fact]
    public void Parse_Sleep_UnitsAndExpression()
    {
        var script = Parse("\\sleep 2 ms\n\\sleep :x + 1\nSELECT 1;");

        var sleeps = script.Commands.OfType<SleepCommand>().ToList();
        Assert.Equal(1000, sleeps[0].MicrosecondsPerUnit);
        Assert.Equal(1_000_000, sleeps[1].MicrosecondsPerUnit);
    }

    [Fact]
    public void Parse_LastStatementWithoutSemicolon_Kept()
    {
        Assert.Equal("SELECT 1", Assert.Single(Parse("SELECT 1").SqlCommands).Text);
    }

    [Theory]
    [InlineData("\\gset x\nSELECT 1;", "line 1: unsupported meta command")]
    [InlineData("SELECT 1;\n\\set 9x 1", "line 2: invalid variable name")]
    [InlineData("\\set x\nSELECT 1;", "needs a variable name and an expression")]
    [InlineData("\\set x 1 +\nSELECT 1;", "expression ends too early")]
    [InlineData("\\set x 1\n", "no SQL command")]
    [InlineData("SELECT 'open;\n", "unterminated quoted string")]
    public void Parse_Invalid_ErrorWithLine(string text, string expected)
    {
        var (script, error) = ScriptParser.Parse("test", text);

        Assert.Null(script);
        Assert.Contains(expected, error);
    }
}
