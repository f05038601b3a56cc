// Splits SQL text into tokens the way PostgreSQL's scanner does for what matters here: strings, quoted identifiers,
// dollar quotes and comments never hide or invent a statement boundary or a keyword.
namespace Pooler.Prepared;

/// <summary>
/// A small SQL tokenizer: words, quoted identifiers, string literals ('…', E'…' with backslash escapes, $tag$…$tag$),
/// numbers, $n parameters, ';' and single-character punctuation. Comments (-- and nested /* */) are skipped.
/// Assumes standard_conforming_strings = on (PostgreSQL's default since 9.1) for plain '…' strings.
/// </summary>
internal static class SqlLexer
{
    public static List<SqlToken> Tokenize(string sql)
    {
        var tokens = new List<SqlToken>();
        int i = 0, n = sql.Length;
        while (i < n)
        {
            char c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                while (i < n && sql[i] != '\n')
                    i++;
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '\'')
            {
                int end = SkipString(sql, i, backslashEscapes: false);
                tokens.Add(new(SqlTokenKind.String, i, end - i));
                i = end;
            }
            else if (c == '"')
            {
                int end = SkipQuoted(sql, i, '"');
                tokens.Add(new(SqlTokenKind.QuotedIdentifier, i, end - i));
                i = end;
            }
            else if (c == '$' && char.IsAsciiDigit(At(sql, i + 1)))
            {
                int start = i++;
                while (i < n && char.IsAsciiDigit(sql[i]))
                    i++;
                tokens.Add(new(SqlTokenKind.Parameter, start, i - start));
            }
            else if (c == '$' && TryDollarQuote(sql, i, out int dollarEnd))
            {
                tokens.Add(new(SqlTokenKind.String, i, dollarEnd - i));
                i = dollarEnd;
            }
            else if (IsWordStart(c))
            {
                int start = i;
                if ((c is 'E' or 'e') && At(sql, i + 1) == '\'')
                {
                    int end = SkipString(sql, i + 1, backslashEscapes: true);
                    tokens.Add(new(SqlTokenKind.String, start, end - start));
                    i = end;
                    continue;
                }
                while (i < n && IsWordPart(sql[i]))
                    i++;
                tokens.Add(new(SqlTokenKind.Word, start, i - start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(sql, i + 1))))
            {
                int start = i;
                while (i < n && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] is '.' or '_'))
                    i++;
                tokens.Add(new(SqlTokenKind.Number, start, i - start));
            }
            else
            {
                tokens.Add(new(c == ';' ? SqlTokenKind.Semicolon : SqlTokenKind.Punctuation, i, 1));
                i++;
            }
        }
        return tokens;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_' || c > 127;

    private static bool IsWordPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || c > 127;

    private static int SkipBlockComment(string s, int i)
    {
        int depth = 0;
        while (i < s.Length)
        {
            if (s[i] == '/' && At(s, i + 1) == '*')
            {
                depth++;
                i += 2;
            }
            else if (s[i] == '*' && At(s, i + 1) == '/')
            {
                i += 2;
                if (--depth == 0)
                    return i;
            }
            else
            {
                i++;
            }
        }
        return i;
    }

    /// <summary>From the opening quote to just past the closing one ('' is a quote inside; \x too with escapes).</summary>
    private static int SkipString(string s, int i, bool backslashEscapes)
    {
        i++;
        while (i < s.Length)
        {
            char c = s[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
            }
            else if (c == '\'')
            {
                if (At(s, i + 1) == '\'')
                    i += 2;
                else
                    return i + 1;
            }
            else
            {
                i++;
            }
        }
        return s.Length;
    }

    private static int SkipQuoted(string s, int i, char quote)
    {
        i++;
        while (i < s.Length)
        {
            if (s[i] == quote)
            {
                if (At(s, i + 1) == quote)
                    i += 2;
                else
                    return i + 1;
            }
            else
            {
                i++;
            }
        }
        return s.Length;
    }

    /// <summary>$tag$ … $tag$ (tag empty or an identifier without '$'): the end is past the closing tag.</summary>
    private static bool TryDollarQuote(string s, int i, out int end)
    {
        end = i;
        int j = i + 1;
        if (j < s.Length && s[j] != '$')
        {
            if (!(char.IsAsciiLetter(s[j]) || s[j] == '_' || s[j] > 127))
                return false;
            while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_' || s[j] > 127))
                j++;
        }
        if (j >= s.Length || s[j] != '$')
            return false;
        var tag = s.AsSpan(i, j - i + 1);
        int close = s.AsSpan(j + 1).IndexOf(tag, StringComparison.Ordinal);
        end = close < 0 ? s.Length : j + 1 + close + tag.Length;
        return true;
    }
}
