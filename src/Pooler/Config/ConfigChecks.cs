// Checks that span several options (pool sizes, auth needs, TLS files, listeners), run after binding.
using Pooler.Config.Binding;

namespace Pooler.Config;

/// <summary>Cross-field validation. Single-option checks (types, ranges, enums) happen while binding.</summary>
internal static class ConfigChecks
{
    public static void Run(
        PoolerConfig config,
        SectionReader pooler,
        IReadOnlyDictionary<string, SectionReader> databases,
        IReadOnlyDictionary<string, SectionReader> users,
        List<ConfigError> errors)
    {
    }
}
