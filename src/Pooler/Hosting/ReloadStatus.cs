// How a configuration reload ended.
namespace Pooler.Hosting;

public enum ReloadStatus
{
    /// <summary>The new configuration is in force (options that need a restart are listed, not applied).</summary>
    Applied,

    /// <summary>The file has errors; the old configuration stays in force.</summary>
    Invalid,

    /// <summary>The configuration was not loaded from a file, so there is nothing to re-read.</summary>
    NoSourceFile,

    /// <summary>No pooler runs in this process (or it is shutting down).</summary>
    NotRunning,
}
