// Splits script text into SQL commands (ended by ';' outside quotes and comments) and meta commands (\set, \sleep).
using System.Text;

namespace Pooler.Bench;

/// <summary>Parses pgbench-style scripts (the subset documented in docs/bench-tool.md).</summary>
public static class ScriptParser
{
    /// <summary>Parses <paramref name="text"/>; on failure returns null and "line N: what is wrong".</summary>
    public static (BenchScript? Script, string? Error) Parse(string name, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var known = new HashSet<string>(BenchScript.AutomaticVariables);
        foreach (var line in lines)
        {
            var t = line.Trim();
            if (t.StartsWith("\\set", StringComparison.Ordinal) && t.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } words)
                known.Add(words[1]);
        }

        var commands = new List<ScriptCommand>();
        var sql = new StringBuilder();
        var sqlLine = 0;
        var sqlIndex = 0;
        var inQuote = false;

        void Flush()
        {
            var statement = sql.ToString().Trim();
            sql.Clear();
            if (statement.Length > 0)
                commands.Add(new SqlCommand(sqlLine, sqlIndex++, statement, known));
        }

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var lineNo = n + 1;
            if (!inQuote && line.TrimStart().StartsWith('\\'))
            {
                Flush();
                var (command, error) = ParseMeta(line.Trim(), lineNo);
                if (error is not null)
                    return (null, $"line {lineNo}: {error}");
                commands.Add(command!);
                continue;
            }
            for (var i = 0; i < line.Length; i++)
            {
                var ch = line[i];
                if (!inQuote && ch == '-' && i + 1 < line.Length && line[i + 1] == '-')
                    break;                                      // comment to the end of the line
                if (ch == '\'')
                    inQuote = !inQuote;
                if (!inQuote && ch == ';')
                {
                    Flush();
                    continue;
                }
                if (sql.Length == 0)
                {
                    if (char.IsWhiteSpace(ch)) continue;
                    sqlLine = lineNo;
                }
                sql.Append(ch);
            }
            if (sql.Length > 0)
                sql.Append('\n');
        }
        if (inQuote)
            return (null, $"line {sqlLine}: unterminated quoted string");
        Flush();
        if (!commands.OfType<SqlCommand>().Any())
            return (null, "the script has no SQL command");
        return (new BenchScript(name, commands), null);
    }

    private static (ScriptCommand? Command, string? Error) ParseMeta(string line, int lineNo)
    {
        var words = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        switch (words[0])
        {
            case "\\set":
                if (words.Length < 3)
                    return (null, "\\set needs a variable name and an expression");
                if (!IsName(words[1]))
                    return (null, $"invalid variable name '{words[1]}'");
                var (expr, error) = SetExpressionParser.Parse(words[2]);
                return expr is null ? (null, error) : (new SetCommand(lineNo, words[1], expr), null);
            case "\\sleep":
                var rest = line["\\sleep".Length..].Trim();
                if (rest.Length == 0)
                    return (null, "\\sleep needs a duration");
                long unit = 1_000_000;
                var parts = rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 1 && parts[^1] is "us" or "ms" or "s")
                {
                    unit = parts[^1] switch { "us" => 1, "ms" => 1000, _ => 1_000_000 };
                    rest = string.Join(' ', parts[..^1]);
                }
                var (amount, sleepError) = SetExpressionParser.Parse(rest);
                return amount is null ? (null, sleepError) : (new SleepCommand(lineNo, amount, unit), null);
            default:
                return (null, $"unsupported meta command '{words[0]}' (supported: \\set, \\sleep)");
        }
    }

    private static bool IsName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
