// Turns Tomlyn's lossless syntax tree into plain nested tables with positions, without reflection (AOT-safe).
using Tomlyn.Syntax;

namespace Pooler.Config.Binding;

/// <summary>Builds a <see cref="TomlTableNode"/> tree from a syntax tree that passed Tomlyn's validation.</summary>
internal static class TomlTreeBuilder
{
    public static TomlTableNode Build(DocumentSyntax document)
    {
        var root = new TomlTableNode(1, 1);
        foreach (var keyValue in document.KeyValues)
            AddKeyValue(root, keyValue);

        foreach (var table in document.Tables)
        {
            if (table.Name is null)
                continue;
            var parts = KeyParts(table.Name);
            var (line, column) = TomlNode.PositionOf(table.Name);
            var parent = Descend(root, parts.AsSpan(0, parts.Length - 1), line, column);
            if (table is TableArraySyntax)
            {
                // No option is an array of tables; keep it as a value so binding reports its type.
                parent.Set(new TomlEntry(parts[^1], line, column, new TomlValueNode(table, line, column)));
                continue;
            }

            var target = Descend(parent, parts.AsSpan(parts.Length - 1), line, column);
            foreach (var keyValue in table.Items)
                AddKeyValue(target, keyValue);
        }

        return root;
    }

    private static void AddKeyValue(TomlTableNode table, KeyValueSyntax keyValue)
    {
        if (keyValue.Key is null || keyValue.Value is null)
            return;
        var parts = KeyParts(keyValue.Key);
        var (line, column) = TomlNode.PositionOf(keyValue.Key);
        var target = Descend(table, parts.AsSpan(0, parts.Length - 1), line, column);
        target.Set(new TomlEntry(parts[^1], line, column, Convert(keyValue.Value)));
    }

    private static TomlNode Convert(ValueSyntax value)
    {
        var (line, column) = TomlNode.PositionOf(value);
        if (value is not InlineTableSyntax inline)
            return new TomlValueNode(value, line, column);

        var table = new TomlTableNode(line, column);
        foreach (var item in inline.Items)
        {
            if (item.KeyValue is not null)
                AddKeyValue(table, item.KeyValue);
        }
        return table;
    }

    /// <summary>Walks (creating as needed) the tables named by <paramref name="path"/>.</summary>
    private static TomlTableNode Descend(TomlTableNode table, ReadOnlySpan<string> path, int line, int column)
    {
        foreach (var name in path)
        {
            if (table.TryGet(name, out var entry) && entry.Value is TomlTableNode existing)
            {
                table = existing;
                continue;
            }
            var created = new TomlTableNode(line, column);
            table.Set(new TomlEntry(name, line, column, created));
            table = created;
        }
        return table;
    }

    private static string[] KeyParts(KeySyntax key)
    {
        var parts = new List<string> { KeyName(key.Key) };
        if (key.DotKeys is not null)
        {
            foreach (var dotted in key.DotKeys)
                parts.Add(KeyName(dotted.Key));
        }
        return [.. parts];
    }

    private static string KeyName(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax quoted => quoted.Value ?? "",
        _ => "",
    };
}
