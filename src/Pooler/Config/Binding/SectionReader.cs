// Reads typed options out of one TOML table, recording every type, range and enum error with its position,
// and remembering which keys were asked for so the rest can be reported as unknown.
using Tomlyn.Syntax;

namespace Pooler.Config.Binding;

/// <summary>Typed, error-collecting access to one TOML table. Each getter returns the default when the key is
/// absent or wrong (the error is recorded), so binding always completes and every error is found in one pass.</summary>
internal sealed class SectionReader(TomlTableNode table, string path, List<ConfigError> errors)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public TomlTableNode Table => table;

    public string Path => path;

    public string PathOf(string key) => KeyPath.Join(path, key);

    /// <summary>True when the key is present (and marks it known).</summary>
    public bool Has(string key)
    {
        _known.Add(key);
        return table.TryGet(key, out _);
    }

    /// <summary>Records an error for a key, placed at its value when present, else at the table.</summary>
    public void Error(string key, string message)
    {
        var (line, column) = table.TryGet(key, out var entry) ? (entry.Value.Line, entry.Value.Column) : (0, 0);
        errors.Add(new ConfigError(PathOf(key), message, line, column));
    }

    /// <summary>Records an error about the table itself (e.g. a reserved database name), at its header.</summary>
    public void TableError(string message) => errors.Add(new ConfigError(path, message, table.Line, table.Column));

    public int Int(string key, int defaultValue, int min = 0, int max = int.MaxValue) =>
        IntOrNull(key, min, max) ?? defaultValue;

    public int? IntOrNull(string key, int min = 0, int max = int.MaxValue)
    {
        if (!TryGet<IntegerValueSyntax>(key, "an integer", out var syntax, out var node))
            return null;
        if (syntax.Value < min || syntax.Value > max)
        {
            AddError(key, node, RangeMessage(min, max));
            return null;
        }
        return (int)syntax.Value;
    }

    public bool Bool(string key, bool defaultValue) =>
        TryGet<BooleanValueSyntax>(key, "a boolean", out var syntax, out _) ? syntax.Value : defaultValue;

    public string String(string key, string defaultValue) =>
        TryGet<StringValueSyntax>(key, "a string", out var syntax, out _) ? syntax.Value ?? "" : defaultValue;

    /// <summary>A string where "" means "not set" (null).</summary>
    public string? OptionalString(string key, string? defaultValue = null)
    {
        if (!TryGet<StringValueSyntax>(key, "a string", out var syntax, out _))
            return defaultValue;
        return string.IsNullOrEmpty(syntax.Value) ? null : syntax.Value;
    }

    /// <summary>A duration given as a TOML number (int or float) of <paramref name="unit"/>s.</summary>
    public TimeSpan Duration(string key, TimeSpan defaultValue, TimeUnit unit = TimeUnit.Seconds) =>
        DurationOrNull(key, unit) ?? defaultValue;

    public TimeSpan? DurationOrNull(string key, TimeUnit unit = TimeUnit.Seconds)
    {
        _known.Add(key);
        if (!table.TryGet(key, out var entry))
            return null;
        double? number = entry.Value is TomlValueNode value
            ? value.Syntax switch
            {
                IntegerValueSyntax i => i.Value,
                FloatValueSyntax f => f.Value,
                _ => null,
            }
            : null;
        var unitName = unit == TimeUnit.Seconds ? "seconds" : "milliseconds";
        if (number is null)
        {
            AddError(key, entry.Value, $"expected a number of {unitName}, got {entry.Value.TypeName}");
            return null;
        }
        // One year bounds every timeout sensibly and keeps TimeSpan arithmetic far from overflow.
        var seconds = unit == TimeUnit.Seconds ? number.Value : number.Value / 1000;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > 365 * 24 * 3600)
        {
            AddError(key, entry.Value, $"must be 0 or more {unitName}, at most one year");
            return null;
        }
        return TimeSpan.FromSeconds(seconds);
    }

    public T Enum<T>(string key, T defaultValue, EnumMap<T> names) where T : struct, System.Enum =>
        EnumOrNull(key, names) ?? defaultValue;

    public T? EnumOrNull<T>(string key, EnumMap<T> names) where T : struct, System.Enum
    {
        if (!TryGet<StringValueSyntax>(key, "a string", out var syntax, out var node))
            return null;
        if (names.TryParse(syntax.Value ?? "", out var value))
            return value;
        AddError(key, node, $"unknown value \"{syntax.Value}\"; allowed: {string.Join(", ", names.Names)}");
        return null;
    }

    /// <summary>An array of strings; with <paramref name="allowCommaString"/> also a comma-separated string
    /// (PgBouncer's form). Blank items are dropped.</summary>
    public IReadOnlyList<string> StringList(string key, IReadOnlyList<string> defaultValue, bool allowCommaString = true)
    {
        _known.Add(key);
        if (!table.TryGet(key, out var entry))
            return defaultValue;
        var syntax = (entry.Value as TomlValueNode)?.Syntax;
        if (syntax is StringValueSyntax s && allowCommaString)
            return SplitList(s.Value ?? "");
        if (syntax is not ArraySyntax array)
        {
            var expected = allowCommaString ? "an array of strings or a comma-separated string" : "an array of strings";
            AddError(key, entry.Value, $"expected {expected}, got {entry.Value.TypeName}");
            return defaultValue;
        }

        var items = new List<string>();
        foreach (var item in array.Items)
        {
            if (item.Value is StringValueSyntax str)
            {
                if (!string.IsNullOrWhiteSpace(str.Value))
                    items.Add(str.Value.Trim());
                continue;
            }
            var (line, column) = item.Value is null ? (entry.Value.Line, entry.Value.Column) : TomlNode.PositionOf(item.Value);
            errors.Add(new ConfigError(PathOf(key), "expected an array of strings", line, column));
            return defaultValue;
        }
        return items;
    }

    /// <summary>A Unix file mode: an octal string ("0777", "660") or an integer (0o777, or digits such as 777
    /// read as octal the way chmod reads them).</summary>
    public UnixFileMode FileMode(string key, UnixFileMode defaultValue)
    {
        _known.Add(key);
        if (!table.TryGet(key, out var entry))
            return defaultValue;
        var syntax = (entry.Value as TomlValueNode)?.Syntax;
        string? octal = syntax switch
        {
            StringValueSyntax s => s.Value?.Trim(),
            // Plain decimal digits are read as octal (chmod's habit); 0o/0x/0b literals keep their value.
            IntegerValueSyntax i when i.Token?.Text is { } text && text.All(char.IsAsciiDigit) => text,
            IntegerValueSyntax i => i.Value >= 0 ? Convert.ToString(i.Value, 8) : "-",
            _ => null,
        };
        if (octal is null)
        {
            AddError(key, entry.Value, $"expected an octal mode such as \"0777\", got {entry.Value.TypeName}");
            return defaultValue;
        }
        int mode;
        try
        {
            mode = octal.Length is > 0 and <= 5 && octal.All(c => c is >= '0' and <= '7') ? Convert.ToInt32(octal, 8) : -1;
        }
        catch (FormatException)
        {
            mode = -1;
        }
        if (mode is < 0 or > 0x1FF)
        {
            AddError(key, entry.Value, "must be an octal mode between 0000 and 0777");
            return defaultValue;
        }
        return (UnixFileMode)mode;
    }

    /// <summary>The entries of a sub-table (e.g. each database), reporting a non-table value.</summary>
    public TomlTableNode? SubTable(string key)
    {
        _known.Add(key);
        if (!table.TryGet(key, out var entry))
            return null;
        if (entry.Value is TomlTableNode sub)
            return sub;
        AddError(key, entry.Value, $"expected a table, got {entry.Value.TypeName}");
        return null;
    }

    /// <summary>The keys the getters asked for so far: the section's known option names once bound.</summary>
    public IReadOnlySet<string> KnownKeys => _known;

    /// <summary>Reports every key no getter asked for, suggesting the nearest known name, or the hint
    /// <paramref name="hint"/> gives for it (e.g. "belongs in [pooler]").</summary>
    public void ReportUnknownKeys(string what = "option", Func<string, string?>? hint = null)
    {
        foreach (var entry in table.Entries)
        {
            if (_known.Contains(entry.Key))
                continue;
            var suggestion = NameSuggester.Suggest(entry.Key, _known);
            var message = hint?.Invoke(entry.Key) is { } advice ? $"unknown {what}; {advice}"
                : suggestion is null ? $"unknown {what}" : $"unknown {what}; did you mean \"{suggestion}\"?";
            errors.Add(new ConfigError(PathOf(entry.Key), message, entry.Line, entry.Column));
        }
    }

    internal static List<string> SplitList(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private bool TryGet<TSyntax>(string key, string expected, out TSyntax syntax, out TomlNode node)
        where TSyntax : SyntaxNode
    {
        _known.Add(key);
        syntax = null!;
        node = null!;
        if (!table.TryGet(key, out var entry))
            return false;
        node = entry.Value;
        if (entry.Value is TomlValueNode { Syntax: TSyntax typed })
        {
            syntax = typed;
            return true;
        }
        AddError(key, entry.Value, $"expected {expected}, got {entry.Value.TypeName}");
        return false;
    }

    private void AddError(string key, TomlNode node, string message) =>
        errors.Add(new ConfigError(PathOf(key), message, node.Line, node.Column));

    private static string RangeMessage(int min, int max) =>
        max == int.MaxValue ? $"must be {min} or more" : $"must be {min}..{max}";
}
