// A TOML table flattened from headers, dotted keys and inline tables, keeping each key's position.
namespace Pooler.Config.Binding;

/// <summary>A TOML table. Entries keep file order; each key remembers where it was written.</summary>
internal sealed class TomlTableNode(int line, int column) : TomlNode(line, column)
{
    private readonly List<TomlEntry> _entries = [];
    private readonly Dictionary<string, TomlEntry> _byKey = new(StringComparer.Ordinal);

    public override string TypeName => "a table";

    public IReadOnlyList<TomlEntry> Entries => _entries;

    public bool TryGet(string key, out TomlEntry entry) => _byKey.TryGetValue(key, out entry!);

    /// <summary>Adds or replaces a key. Tomlyn's semantic validation has already refused duplicates, so a
    /// replacement only happens on input that failed validation, which is never bound.</summary>
    public void Set(TomlEntry entry)
    {
        if (_byKey.TryGetValue(entry.Key, out var old))
            _entries.Remove(old);
        _entries.Add(entry);
        _byKey[entry.Key] = entry;
    }
}
