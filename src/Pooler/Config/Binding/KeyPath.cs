// Formats dotted key paths the way TOML would write them, quoting names that are not bare keys.
using Tomlyn.Syntax;

namespace Pooler.Config.Binding;

/// <summary>Key path helpers: <c>databases.app.port</c>, <c>databases."*".host</c>.</summary>
internal static class KeyPath
{
    public static string Join(string prefix, string key)
    {
        var part = BareKeySyntax.IsBareKey(key) ? key : "\"" + key.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return prefix.Length == 0 ? part : prefix + "." + part;
    }
}
