// The version printed by `pooler --version` and logged at start, from the assembly (Directory.Build.props).
using System.Reflection;

namespace Pooler.Cli;

/// <summary>The product version without build metadata, e.g. "0.1.0".</summary>
public static class VersionInfo
{
    public static string Version { get; } = Read();

    private static string Read()
    {
        var informational = typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? typeof(VersionInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
