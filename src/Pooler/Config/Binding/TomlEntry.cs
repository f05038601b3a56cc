// One key of a TOML table: its name, where the key was written, and its value.
namespace Pooler.Config.Binding;

/// <summary>A key/value pair of a <see cref="TomlTableNode"/>; the position is the key's (1-based).</summary>
internal sealed record TomlEntry(string Key, int Line, int Column, TomlNode Value);
