// Minimum level written to the log (log_level).
namespace Pooler.Config;

/// <summary>Minimum log level. TOML: "verbose" | "debug" | "info" | "warning" | "error".</summary>
public enum PoolerLogLevel
{
    /// <summary>Everything, including per-packet tracing.</summary>
    Verbose,

    /// <summary>Diagnostic detail useful while investigating a problem.</summary>
    Debug,

    /// <summary>Normal operation: connections, pool changes, reloads.</summary>
    Info,

    /// <summary>Unexpected but handled situations.</summary>
    Warning,

    /// <summary>Failures only.</summary>
    Error,
}
