// One problem found while loading a configuration file; every problem is reported, not just the first.
namespace Pooler.Config;

/// <summary>A configuration error. <see cref="Line"/> and <see cref="Column"/> are 1-based, or 0 when the problem
/// has no place in the file (a missing option, a check across sections).</summary>
/// <param name="KeyPath">Dotted key path such as <c>databases.app.port</c>; empty for TOML syntax errors.</param>
/// <param name="Message">What is wrong, e.g. <c>must be 1..65535</c>.</param>
public sealed record ConfigError(string KeyPath, string Message, int Line = 0, int Column = 0)
{
    /// <summary>The form <c>pooler config check</c> prints: <c>path: message (line L, column C)</c>.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $" (line {Line}, column {Column})" : "";
        var path = KeyPath.Length > 0 ? KeyPath : "syntax error";
        return $"{path}: {Message}{where}";
    }
}
