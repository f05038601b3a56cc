// One lexical token of SQL text, as a range of the source string.
namespace Pooler.Prepared;

internal enum SqlTokenKind : byte
{
    Word,
    QuotedIdentifier,
    String,
    Number,
    Parameter,
    Semicolon,
    Punctuation,
}

internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length)
{
    public ReadOnlySpan<char> Text(string sql) => sql.AsSpan(Start, Length);
}
