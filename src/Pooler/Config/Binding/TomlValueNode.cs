// A TOML scalar or array together with its syntax (which carries the value and its source position).
using Tomlyn.Syntax;

namespace Pooler.Config.Binding;

/// <summary>A non-table TOML value.</summary>
internal sealed class TomlValueNode(SyntaxNode syntax, int line, int column) : TomlNode(line, column)
{
    /// <summary>The value's syntax: StringValueSyntax, IntegerValueSyntax, FloatValueSyntax, BooleanValueSyntax,
    /// DateTimeValueSyntax, ArraySyntax, or a TableArraySyntax for <c>[[name]]</c>.</summary>
    public SyntaxNode Syntax { get; } = syntax;

    public override string TypeName => Syntax switch
    {
        StringValueSyntax => "a string",
        IntegerValueSyntax => "an integer",
        FloatValueSyntax => "a float",
        BooleanValueSyntax => "a boolean",
        DateTimeValueSyntax => "a date-time",
        ArraySyntax => "an array",
        TableArraySyntax => "an array of tables",
        _ => "an unsupported value",
    };
}
