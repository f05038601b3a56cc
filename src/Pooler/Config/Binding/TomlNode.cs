// A TOML value with the place it was written, so binding errors can point at line and column.
using Tomlyn.Syntax;

namespace Pooler.Config.Binding;

/// <summary>A bound TOML value: a table (<see cref="TomlTableNode"/>) or a scalar/array
/// (<see cref="TomlValueNode"/>). Line and column are 1-based.</summary>
internal abstract class TomlNode(int line, int column)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>The TOML type name used in "expected X, got Y" messages.</summary>
    public abstract string TypeName { get; }

    public static (int Line, int Column) PositionOf(SyntaxNodeBase node) =>
        (node.Span.Start.Line + 1, node.Span.Start.Column + 1);
}
