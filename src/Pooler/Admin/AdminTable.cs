// A result set of the admin console (or a CLI table): typed columns and rows of text values.
using Pooler.Protocol;

namespace Pooler.Admin;

/// <summary>Columns as PgBouncer declares them; values already in PostgreSQL text format (null = SQL NULL).</summary>
internal sealed class AdminTable
{
    private readonly List<string?[]> _rows = [];

    /// <param name="columns">"name:type" with type i (int4), q (int8), N (numeric) or s (text), PgBouncer's own
    /// notation (its T, a timestamp, is sent as text too, so it is written s here).</param>
    public AdminTable(params string[] columns)
    {
        Columns = columns.Select(c =>
        {
            var colon = c.LastIndexOf(':');
            var name = c[..colon];
            return c[(colon + 1)..] switch
            {
                "i" => ColumnDescription.Int4(name),
                "q" => ColumnDescription.Int8(name),
                "N" => new ColumnDescription(name, ColumnDescription.NumericOid),
                _ => ColumnDescription.Text(name),
            };
        }).ToArray();
    }

    public ColumnDescription[] Columns { get; }

    public IReadOnlyList<string?[]> Rows => _rows;

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    /// <summary>Add a row; numbers and booleans are formatted as PostgreSQL prints them (booleans as 0/1, as PgBouncer).</summary>
    public void Add(params object?[] values)
    {
        if (values.Length != Columns.Length)
            throw new ArgumentException($"row has {values.Length} values for {Columns.Length} columns");
        _rows.Add(values.Select(Text).ToArray());
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "1" : "0",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
