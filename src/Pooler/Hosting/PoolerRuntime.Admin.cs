// The runtime's admin backend: what the admin console, the management socket and the metrics read and steer.
using Pooler.Management;

namespace Pooler.Hosting;

internal sealed partial class PoolerRuntime
{
    private IAdminBackend? _admin;

    /// <summary>This runtime alone by default; a supervisor replaces it with one that covers every worker.</summary>
    public IAdminBackend Admin
    {
        get => _admin ??= new LocalAdminBackend(this);
        set => _admin = value;
    }
}
