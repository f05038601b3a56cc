// The admin backend of the supervisor (workers > 0): what the management socket and the metrics endpoint read.
using Pooler.Management;

namespace Pooler.Supervisor;

/// <summary>Snapshots gathered from every live worker and merged; commands broadcast (see SupervisorHost.Management.cs).</summary>
internal sealed class SupervisorAdminBackend(SupervisorHost host) : IAdminBackend
{
    public Task<AdminSnapshot> GetSnapshotAsync() => host.GatherSnapshotAsync();

    public Task<AdminResult> ExecuteAsync(AdminCommand command, AdminActor actor) => host.BroadcastAsync(command, actor);
}
