// What the console, the management socket and the metrics read and steer; one runtime now, every worker later.
namespace Pooler.Management;

/// <summary>
/// Snapshots and commands as values. <see cref="LocalAdminBackend"/> serves one runtime by posting onto its loop;
/// a supervisor implementation fans each call out to its workers and merges with <see cref="SnapshotMerge"/>.
/// Callable from any thread.
/// </summary>
internal interface IAdminBackend
{
    Task<AdminSnapshot> GetSnapshotAsync();

    Task<AdminResult> ExecuteAsync(AdminCommand command, AdminActor actor);
}
