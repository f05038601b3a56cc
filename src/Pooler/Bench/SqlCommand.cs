// An SQL command of a bench script, pre-split so that each send only fills in variable values.
using System.Globalization;
using System.Text;

namespace Pooler.Bench;

/// <summary>
/// The SQL with its <c>:name</c> references found once: simple mode substitutes the values into the text;
/// extended and prepared modes send <see cref="ParameterizedText"/> (each distinct variable becomes one $n) and
/// the values as text parameters.
/// </summary>
public sealed class SqlCommand : ScriptCommand
{
    private readonly (string Literal, string? Variable)[] _segments;

    public SqlCommand(int line, int index, string text, IReadOnlySet<string> knownVariables) : base(line)
    {
        Index = index;
        Text = text;
        StatementName = "P0_" + index.ToString(CultureInfo.InvariantCulture);
        var segments = new List<(string, string?)>();
        var names = new List<string>();
        var parameterized = new StringBuilder();
        var literal = new StringBuilder();
        var inQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '\'')
                inQuote = !inQuote;
            if (!inQuote && ch == ':' && (i == 0 || text[i - 1] != ':') && i + 1 < text.Length && IsNameStart(text[i + 1]))
            {
                var end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) end++;
                var name = text[(i + 1)..end];
                if (knownVariables.Contains(name))
                {
                    segments.Add((literal.ToString(), name));
                    literal.Clear();
                    var n = names.IndexOf(name);
                    if (n < 0) { names.Add(name); n = names.Count - 1; }
                    parameterized.Append('$').Append(n + 1);
                    i = end - 1;
                    continue;
                }
            }
            literal.Append(ch);
            parameterized.Append(ch);
        }
        segments.Add((literal.ToString(), null));
        _segments = [.. segments];
        ParameterNames = names;
        ParameterizedText = parameterized.ToString();
    }

    /// <summary>Position among the script's SQL commands (names the prepared statement).</summary>
    public int Index { get; }

    /// <summary>The SQL as written (without its final ';').</summary>
    public string Text { get; }

    /// <summary>The SQL with $1, $2, ... in place of the variables.</summary>
    public string ParameterizedText { get; }

    /// <summary>The variable behind each $n, in order.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Name of the prepared statement in prepared mode (pgbench's "P0_n" style).</summary>
    public string StatementName { get; }

    /// <summary>The text for simple mode with every variable's current value substituted.</summary>
    public string BuildSimpleText(IReadOnlyDictionary<string, long> variables)
    {
        if (_segments.Length == 1)
            return _segments[0].Literal;
        var sb = new StringBuilder(Text.Length + 16);
        foreach (var (lit, name) in _segments)
        {
            sb.Append(lit);
            if (name is not null)
                sb.Append(variables.TryGetValue(name, out var v) ? v : 0);
        }
        return sb.ToString();
    }

    /// <summary>Fills <paramref name="values"/> (length = parameter count) with the text of each parameter.</summary>
    public void FillParameters(IReadOnlyDictionary<string, long> variables, string?[] values)
    {
        for (var i = 0; i < ParameterNames.Count; i++)
            values[i] = variables.TryGetValue(ParameterNames[i], out var v) ? v.ToString(CultureInfo.InvariantCulture) : null;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';
}
