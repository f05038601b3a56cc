// How a steering command ended; the management protocol sends it as a lower-case word.
namespace Pooler.Management;

internal enum AdminOutcome
{
    Ok,
    /// <summary>The arguments name nothing that exists (no such database or client).</summary>
    NotFound,
    /// <summary>Understood but not possible (SUSPEND, a setting that needs a restart).</summary>
    NotSupported,
    /// <summary>The command ran and failed (reload with an invalid file).</summary>
    Failed,
    /// <summary>The caller may not run it.</summary>
    Forbidden,
    /// <summary>The request itself is wrong (bad frame, unknown command, missing argument).</summary>
    BadRequest,
}
