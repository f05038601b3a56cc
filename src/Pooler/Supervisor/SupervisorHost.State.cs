// The admin state a restarted worker must not lose: the supervisor records what the workers accepted (PAUSE,
// DISABLE, KILL, SET, ...) and replays it to every worker it starts, before that worker's first client.
using System.Text.Json;
using Pooler.Management;
using Pooler.Workers;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    private readonly ManagedState _managed = new();

    /// <summary>
    /// Loop thread, after a broadcast: keep the command unless a worker refused it (a bad database name, a bad SET
    /// value). A worker that died or did not answer does not count against it: it is restarted with this state.
    /// </summary>
    private void Remember(AdminCommand command, AdminGathering g)
    {
        if (g.Asked.Count == 0 || g.Results.Values.Any(r => !r.IsOk))
            return;
        _managed.Record(command);
        if (command.Kind == AdminCommandKind.Set
            && ConfigChange.TryChange(_config.Pooler, command.Key, command.Value, out var changed) is null)
            _config = _config with { Pooler = changed! };
    }

    /// <summary>
    /// Loop thread, right after the process started: its first message, so it is applied before any client the
    /// supervisor hands over on the same channel.
    /// </summary>
    private void SendManagedState(WorkerProcess worker)
    {
        if (_managed.IsEmpty)
            return;
        _log.Information("worker {Id}: restoring the admin state: {State}", worker.Id, _managed);
        var json = JsonSerializer.SerializeToUtf8Bytes(_managed.Replay().ToList(), SnapshotJson.Default.ListAdminCommand);
        _ = worker.Link!.SendAsync(WorkerMessage.State, json);
    }
}
