// Admin commands typed into a worker's console act on every worker: the supervisor broadcasts them and merges the
// answers; this worker also applies the commands the supervisor sends it.
using System.Text.Json;
using Pooler.Management;

namespace Pooler.Workers;

internal sealed partial class WorkerAdminBackend
{
    /// <summary>Longer than the supervisor's own per-request limits: it always answers first, unless it is gone.</summary>
    public static readonly TimeSpan CommandTimeout = SupervisorCommandLimit + TimeSpan.FromSeconds(10);

    /// <summary>The supervisor's limit for the slowest command (PAUSE, WAIT_CLOSE wait for busy servers).</summary>
    public static readonly TimeSpan SupervisorCommandLimit = TimeSpan.FromMinutes(5);

    private readonly Dictionary<int, TaskCompletionSource<AdminResult>> _commands = [];

    public async Task<AdminResult> ExecuteAsync(AdminCommand command, AdminActor actor)
    {
        // RELOAD and SHUTDOWN already go to the supervisor through the local backend's hooks.
        if (command.Kind is AdminCommandKind.Reload or AdminCommandKind.Shutdown)
            return await local.ExecuteAsync(command, actor);
        var json = JsonSerializer.SerializeToUtf8Bytes(new WorkerAdminRequest(command, actor), SnapshotJson.Default.WorkerAdminRequest);
        var (id, answer) = await rt.Engine.RunAsync(async () =>
        {
            var id = ++_nextId;
            var tcs = new TaskCompletionSource<AdminResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _commands[id] = tcs;
            var sent = await link.SendAsync(WorkerMessage.AdminCommand, WorkerAdminRequest.Frame(id, json));
            if (sent != Io.FdSendStatus.Sent)
            {
                _commands.Remove(id);
                tcs.TrySetResult(AdminResult.Error(AdminOutcome.Failed, Code(command, "unavailable"), "the supervisor cannot be reached"));
            }
            return (id, tcs.Task);
        });
        try
        {
            return await answer.WaitAsync(CommandTimeout, rt.Engine.TimeProvider);
        }
        catch (TimeoutException)
        {
            await rt.Engine.RunAsync(() => Task.FromResult(_commands.Remove(id)));
            return AdminResult.Error(AdminOutcome.Failed, Code(command, "timeout"), $"no answer from the supervisor in {CommandTimeout}");
        }
    }

    /// <summary>Loop thread: the supervisor's merged answer to a command this worker sent.</summary>
    public void OnCommandResult(ReadOnlySpan<byte> payload)
    {
        var id = BitConverter.ToInt32(payload);
        if (!_commands.Remove(id, out var tcs))
            return;
        tcs.TrySetResult(ReadResult(payload[4..]) ?? AdminResult.Error(AdminOutcome.Failed, "command.bad_answer", "unreadable answer from the supervisor"));
    }

    /// <summary>Loop thread: the supervisor asks this worker to apply a command; the answer goes back with its id.</summary>
    public async Task ApplyAsync(ReadOnlyMemory<byte> payload)
    {
        var id = BitConverter.ToInt32(payload.Span);
        AdminResult result;
        try
        {
            result = JsonSerializer.Deserialize(payload.Span[4..], SnapshotJson.Default.WorkerAdminRequest) is { } request
                ? await local.ExecuteAsync(request.Command, request.Actor)
                : AdminResult.Error(AdminOutcome.BadRequest, "command.bad_request", "empty command");
        }
        catch (JsonException ex)
        {
            result = AdminResult.Error(AdminOutcome.BadRequest, "command.bad_request", ex.Message);
        }
        await rt.Engine.RunAsync(async () =>
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(result, SnapshotJson.Default.AdminResult);
            await link.SendAsync(WorkerMessage.AdminResult, WorkerAdminRequest.Frame(id, json));
        });
    }

    public static AdminResult? ReadResult(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, SnapshotJson.Default.AdminResult);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Code(AdminCommand command, string reason) =>
        command.Kind.ToString().ToLowerInvariant() + "." + reason;
}
