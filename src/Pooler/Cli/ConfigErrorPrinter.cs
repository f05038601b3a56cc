// Prints configuration errors the same way for `config check` and `run`.
using Pooler.Config;

namespace Pooler.Cli;

internal static class ConfigErrorPrinter
{
    /// <summary>One line per error, <c>path: message (line L, column C)</c>, after a header naming the file.</summary>
    public static void Print(TextWriter writer, string path, IReadOnlyList<ConfigError> errors)
    {
        writer.WriteLine($"{path}: {errors.Count} error{(errors.Count == 1 ? "" : "s")}");
        foreach (var error in errors)
            writer.WriteLine($"  {error}");
    }
}
