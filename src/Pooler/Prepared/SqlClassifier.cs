// Reads SQL text for the few statements transaction pooling must act on: SQL-level PREPARE/EXECUTE/DEALLOCATE and
// session SET/RESET.
using System.Text;

namespace Pooler.Prepared;

/// <summary>
/// Statement classification on top of <see cref="SqlLexer"/>. Only the leading keywords of each top-level statement
/// matter, so the lexer's guarantees (quotes, dollar quotes and comments cannot fake a keyword or a ';') make the
/// decision reliable.
/// </summary>
internal static class SqlClassifier
{
    /// <summary>A simple-protocol Query: refused if any statement is, plus its SET/RESET statements in order.</summary>
    public static SqlScript ClassifyScript(string sql)
    {
        if (!MayMatter(sql) || (IsOneStatement(sql) && !FirstWordMayMatter(sql)))
            return SqlScript.Plain;
        var tokens = SqlLexer.Tokenize(sql);
        var refused = false;
        List<SqlCommand>? sets = null;
        int start = 0;
        for (int i = 0; i <= tokens.Count; i++)
        {
            if (i < tokens.Count && tokens[i].Kind != SqlTokenKind.Semicolon)
                continue;
            if (i > start)
            {
                var command = Classify(sql, tokens.GetRange(start, i - start));
                refused |= command.Kind == SqlCommandKind.Refused;
                if (command.HasSetTag)
                    (sets ??= []).Add(command);
            }
            start = i + 1;
        }
        return !refused && sets is null ? SqlScript.Plain : new SqlScript(refused, sets?.ToArray() ?? []);
    }

    /// <summary>
    /// The fast path of a simple Query, on its undecoded bytes: true when the text is one statement whose first keyword
    /// is none of those that matter, so <see cref="ClassifyScript"/> would say Plain. Every pgbench-style SELECT, UPDATE
    /// or BEGIN takes it, which saves decoding each query into a string. False means "decode and classify", not
    /// "matters": non-ASCII white space or a comment first, or a ';' in the middle, take the full path.
    /// </summary>
    public static bool IsPlainSingleStatement(ReadOnlySpan<byte> sql)
    {
        var semicolon = sql.IndexOf((byte)';');
        if (semicolon >= 0 && sql[semicolon..].IndexOfAnyExcept(s_statementTailUtf8) >= 0)
            return false;
        int i = 0;
        while (i < sql.Length && (sql[i] is (byte)'(' or (byte)';' || s_statementTailUtf8.Contains(sql[i])))
            i++;
        int start = i;
        while (i < sql.Length && char.IsAsciiLetter((char)sql[i]))
            i++;
        if (i == start || (i < sql.Length && sql[i] >= 0x80))
            return false;                                  // a comment, a quote, or a non-ASCII keyword: decode
        var word = sql[start..i];
        foreach (var w in s_firstWordsUtf8)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(word, w))
                return false;
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<byte> s_statementTailUtf8 = System.Buffers.SearchValues.Create("; \t\n\r\f\v"u8);

    /// <summary>A Parse's text (one statement; PostgreSQL refuses more). Refused if any statement is.</summary>
    public static SqlCommand ClassifySingle(string sql)
    {
        if (!MayMatter(sql) || !FirstWordMayMatter(sql))
            return SqlCommand.Other;
        var script = ClassifyScript(sql);
        if (script.Refused)
            return SqlCommand.Refused;
        return script.SetCommands.Length == 1 ? script.SetCommands[0] : SqlCommand.Other;
    }

    /// <summary>
    /// No ';' before the end (trailing ones and white space aside): one statement, whose first keyword decides, so the
    /// common single SELECT/INSERT/UPDATE/BEGIN/END of a simple Query skips the tokenizer. A ';' inside a literal or
    /// comment only sends the text down the full path.
    /// </summary>
    private static bool IsOneStatement(string sql)
    {
        var semicolon = sql.IndexOf(';');
        return semicolon < 0 || sql.AsSpan(semicolon).IndexOfAnyExcept(s_statementTail) < 0;
    }

    private static readonly System.Buffers.SearchValues<char> s_statementTail = System.Buffers.SearchValues.Create("; \t\n\r\f\v");

    /// <summary>Cheap pre-check: every statement of interest contains one of these letters in its first keyword.</summary>
    private static bool MayMatter(string sql) =>
        sql.AsSpan().IndexOfAny("sSeEpPdDrR") >= 0;

    private static readonly string[] s_firstWords = ["SET", "RESET", "PREPARE", "EXECUTE", "DEALLOCATE", "EXPLAIN", "CREATE"];
    private static readonly byte[][] s_firstWordsUtf8 = [.. s_firstWords.Select(Encoding.ASCII.GetBytes)];

    /// <summary>
    /// A Parse holds one statement, so its first keyword decides; finding it skips the full tokenization for the
    /// common SELECT/INSERT/UPDATE/DELETE.
    /// </summary>
    private static bool FirstWordMayMatter(string sql)
    {
        int i = 0;
        while (i < sql.Length)
        {
            char c = sql[i];
            if (char.IsWhiteSpace(c) || c is '(' or ';')
                i++;
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
                i = sql.IndexOf('\n', i) is var nl and >= 0 ? nl : sql.Length;
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
                return true;                               // rare: let the tokenizer deal with nesting
            else
                break;
        }
        int start = i;
        while (i < sql.Length && char.IsAsciiLetter(sql[i]))
            i++;
        var word = sql.AsSpan(start, i - start);
        foreach (var w in s_firstWords)
        {
            if (word.Equals(w, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static SqlCommand Classify(string sql, List<SqlToken> t)
    {
        bool Is(int i, string word) =>
            i < t.Count && t[i].Kind == SqlTokenKind.Word && t[i].Text(sql).Equals(word, StringComparison.OrdinalIgnoreCase);

        if (Is(0, "PREPARE"))
            return Is(1, "TRANSACTION") ? SqlCommand.Other : SqlCommand.Refused;
        if (Is(0, "EXECUTE"))
            return SqlCommand.Refused;
        if (Is(0, "DEALLOCATE"))
        {
            int j = Is(1, "PREPARE") ? 2 : 1;
            return Is(j, "ALL") && t.Count == j + 1 ? SqlCommand.Other : SqlCommand.Refused;
        }
        if (Is(0, "EXPLAIN"))
        {
            int j = 1;
            if (j < t.Count && t[j].Kind == SqlTokenKind.Punctuation && sql[t[j].Start] == '(')
            {
                int depth = 0;
                for (; j < t.Count; j++)
                {
                    char c = t[j].Kind == SqlTokenKind.Punctuation ? sql[t[j].Start] : ' ';
                    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                    if (depth == 0)
                        break;
                }
                j++;
            }
            while (Is(j, "ANALYZE") || Is(j, "ANALYSE") || Is(j, "VERBOSE"))
                j++;
            return Is(j, "EXECUTE") ? SqlCommand.Refused : SqlCommand.Other;
        }
        if (Is(0, "CREATE"))
        {
            for (int j = 1; j + 1 < t.Count; j++)
            {
                if (Is(j, "AS") && Is(j + 1, "EXECUTE"))
                    return SqlCommand.Refused;
            }
            return SqlCommand.Other;
        }
        if (Is(0, "SET"))
            return ClassifySet(sql, t, Is);
        if (Is(0, "RESET"))
        {
            if (Is(1, "ALL"))
                return SqlCommand.ResetAll;
            if (Is(1, "SESSION") && Is(2, "AUTHORIZATION"))
                return new(SqlCommandKind.Reset, "session_authorization");
            if (Is(1, "TIME") && Is(2, "ZONE"))
                return SqlCommand.SetIgnored;
            return ReadName(sql, t, 1, out var name, out _) ? new(SqlCommandKind.Reset, name) : SqlCommand.SetIgnored;
        }
        return SqlCommand.Other;
    }

    private static SqlCommand ClassifySet(string sql, List<SqlToken> t, Func<int, string, bool> Is)
    {
        int j = 1;
        if (Is(j, "LOCAL") || Is(j, "TRANSACTION"))
            return SqlCommand.SetIgnored;
        if (Is(j, "CONSTRAINTS"))
            return SqlCommand.Other;                       // its tag is "SET CONSTRAINTS", and it is transaction-scoped
        if (Is(j, "SESSION"))
        {
            if (Is(j + 1, "AUTHORIZATION"))
                return ValueOf(sql, t, j + 2, "session_authorization", Is);
            if (Is(j + 1, "CHARACTERISTICS"))
                return SqlCommand.SetIgnored;              // documented as not tracked
            j++;
        }
        if ((Is(j, "TIME") && Is(j + 1, "ZONE")) || Is(j, "NAMES"))
            return SqlCommand.SetIgnored;                  // TimeZone and client_encoding come back as ParameterStatus
        if (Is(j, "ROLE") && !IsAssign(sql, t, j + 1, Is))
            return Is(j + 1, "NONE") && t.Count == j + 2 ? new(SqlCommandKind.Reset, "role") : ValueOf(sql, t, j + 1, "role", Is);
        if (Is(j, "SCHEMA") && !IsAssign(sql, t, j + 1, Is))
            return ValueOf(sql, t, j + 1, "search_path", Is);
        if (Is(j, "XML") && Is(j + 1, "OPTION"))
            return ValueOf(sql, t, j + 2, "xmloption", Is);
        if (!ReadName(sql, t, j, out var name, out int next) || !IsAssign(sql, t, next, Is))
            return SqlCommand.SetIgnored;
        return ValueOf(sql, t, next + 1, name, Is);
    }

    private static bool IsAssign(string sql, List<SqlToken> t, int i, Func<int, string, bool> Is) =>
        Is(i, "TO") || (i < t.Count && t[i].Kind == SqlTokenKind.Punctuation && sql[t[i].Start] == '=');

    private static SqlCommand ValueOf(string sql, List<SqlToken> t, int from, string name, Func<int, string, bool> Is)
    {
        if (from >= t.Count)
            return SqlCommand.SetIgnored;
        if (Is(from, "DEFAULT") && t.Count == from + 1)
            return new(SqlCommandKind.Reset, name);
        var value = new StringBuilder();
        for (int i = from; i < t.Count; i++)
        {
            if (value.Length > 0)
                value.Append(' ');
            value.Append(t[i].Text(sql));
        }
        return new(SqlCommandKind.Set, name, value.ToString());
    }

    /// <summary>A parameter name: word or quoted identifier, dotted for extension settings; lower-cased.</summary>
    private static bool ReadName(string sql, List<SqlToken> t, int i, out string name, out int next)
    {
        var sb = new StringBuilder();
        next = i;
        while (next < t.Count && t[next].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
        {
            var text = t[next].Text(sql);
            sb.Append(t[next].Kind == SqlTokenKind.QuotedIdentifier ? text[1..^1].ToString().Replace("\"\"", "\"") : text.ToString().ToLowerInvariant());
            next++;
            if (next + 1 < t.Count && t[next].Kind == SqlTokenKind.Punctuation && sql[t[next].Start] == '.')
            {
                sb.Append('.');
                next++;
                continue;
            }
            break;
        }
        name = sb.ToString();
        return name.Length > 0;
    }
}
