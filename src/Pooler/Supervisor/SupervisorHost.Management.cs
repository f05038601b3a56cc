// The supervisor's side of management (workers > 0): it hosts the management socket and the metrics endpoint,
// gathers snapshots from every worker and broadcasts admin commands, whether they come from the socket or from an
// admin console inside a worker.
using System.Net;
using System.Text.Json;
using Pooler.Hosting;
using Pooler.Management;
using Pooler.Metrics;
using Pooler.Workers;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    /// <summary>The origin byte of a snapshot request the supervisor itself makes (workers are 0..63).</summary>
    private const byte SupervisorOrigin = 0xFF;

    /// <summary>Commands that act at once (KILL, RESUME, SET...): a worker that has not answered by then is reported.</summary>
    private static readonly TimeSpan QuickCommandTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<int, AdminGathering> _adminRequests = [];
    private readonly List<IAsyncDisposable> _adminServices = [];
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly Stats.StatsAverages _averages = new(DateTimeOffset.UtcNow, Stats.StatsAverages.DefaultPeriod, TimeProvider.System);
    private int _nextAdminId;

    /// <summary>Open the management socket and the metrics endpoint, as the single-process host does.</summary>
    private void StartAdminServices()
    {
        var options = _config.Pooler;
        var backend = new SupervisorAdminBackend(this);
        if (options.ManagementSocketPath is { } path)
            _adminServices.Add(ManagementServer.Start(path, backend, () => _averages, _log));
        if (options.ManagementPort > 0)
        {
            // The options in force when each connection comes: RELOAD changes TLS files, admin_users and auth_file.
            _adminServices.Add(ManagementServer.StartTcp(ManagementServer.TcpEndPoint(options), backend, () => _averages,
                () => _config.Pooler, _log));
        }
        if (options.MetricsPort > 0)
        {
            var address = options.MetricsAddr ?? options.ListenAddr.FirstOrDefault() ?? "127.0.0.1";
            var ip = address == "*" ? IPAddress.Any : IPAddress.TryParse(address, out var parsed) ? parsed : Dns.GetHostAddresses(address)[0];
            _adminServices.Add(MetricsServer.Start(new IPEndPoint(ip, options.MetricsPort), backend, _log));
        }
    }

    /// <summary>After the workers have stopped: a CLI waiting on `shutdown --graceful` sees its connection close now.</summary>
    private async Task StopAdminServicesAsync()
    {
        foreach (var service in _adminServices)
        {
            try
            {
                await service.DisposeAsync();
            }
            catch (Exception ex)
            {
                _log.Debug(ex, "stopping an admin service failed");
            }
        }
        _adminServices.Clear();
    }

    /// <summary>Every live worker's snapshot, merged; workers that die or do not answer in time are left out, except
    /// from the pool counters, which are summed in shared memory.</summary>
    internal async Task<AdminSnapshot> GatherSnapshotAsync()
    {
        var g = await _engine.RunAsync(() =>
        {
            var g = NewGathering(_workers.Where(w => w.Alive && w.Ready));
            var request = new byte[5];
            BitConverter.TryWriteBytes(request, g.Id);
            request[4] = SupervisorOrigin;
            foreach (var id in g.Waiting)
                _ = _workers[id].Link!.SendAsync(WorkerMessage.Snapshot, request);
            g.CheckDone();
            return Task.FromResult(g);
        });
        await WaitAsync(g, WorkerAdminBackend.Timeout, "snapshot");
        return await _engine.RunAsync(() =>
        {
            _adminRequests.Remove(g.Id);
            // Pool counters come from shared memory, so a worker that died (or did not answer) still counts.
            var merged = SharedStatsMerge.Merge(g.Snapshots, _stats.Sum(), _config);
            if (g.Snapshots.Count == 0)
            {
                merged = merged with
                {
                    Version = Cli.VersionInfo.Version,
                    TakenAt = DateTimeOffset.UtcNow,
                    Config = ConfigListing.List(_config.Pooler),
                };
            }
            var reported = merged.Workers.ToDictionary(w => w.Id);
            // Every slot, dead or alive, with what the supervisor alone knows (pid, restarts).
            var workers = _workers.Select(w => new WorkerInfo
            {
                Id = w.Id,
                Pid = w.Process?.Id ?? 0,
                Alive = w.Alive,
                Restarts = Math.Max(0, w.Starts - 1),
                Clients = reported.GetValueOrDefault(w.Id)?.Clients ?? 0,
                Servers = reported.GetValueOrDefault(w.Id)?.Servers ?? 0,
                Accepted = w.Alive ? _shared.AcceptedOf(w.Id) : 0,
                Handed = w.Alive ? w.Handed : 0,
            }).ToList();
            return Task.FromResult(merged with { StartedAt = _startedAt, Workers = workers });
        });
    }

    /// <summary>
    /// Apply <paramref name="command"/> to every live worker (KILL_CLIENT: to the worker its id names) and merge the
    /// answers; RELOAD and SHUTDOWN are the supervisor's own, as SIGHUP and SIGTERM/SIGINT are.
    /// </summary>
    internal async Task<AdminResult> BroadcastAsync(AdminCommand command, AdminActor actor)
    {
        var target = command.Database ?? command.Key
            ?? (command.ClientId != 0 ? command.ClientId.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(all)");
        switch (command.Kind)
        {
            case AdminCommandKind.Reload:
                _log.Information("admin: {Command} {Target} by {Actor}", command.Kind, target, actor);
                return PoolerInstance.ToAdminResult(await ReloadAsync());
            case AdminCommandKind.Shutdown:
                _log.Information("admin: {Command} {Target} by {Actor}", command.Kind, target, actor);
                // Answer first; the management socket closes once every worker has stopped.
                _ = Task.Run(() => _engine.RunAsync(() =>
                {
                    RequestStop(command.Graceful);
                    return Task.CompletedTask;
                }));
                return AdminResult.Ok(command.Graceful ? "shutting down (graceful)" : "shutting down (fast)");
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(new WorkerAdminRequest(command, actor), SnapshotJson.Default.WorkerAdminRequest);
        var g = await _engine.RunAsync(() =>
        {
            var targets = _workers.Where(w => w.Alive && w.Ready);
            if (command.Kind == AdminCommandKind.KillClient)
                targets = targets.Where(w => w.Id == ClientIds.WorkerOf(command.ClientId));
            var g = NewGathering(targets);
            var message = WorkerAdminRequest.Frame(g.Id, json);
            foreach (var id in g.Waiting)
                _ = _workers[id].Link!.SendAsync(WorkerMessage.AdminCommand, message);
            // Logged once it is on its way: from here a worker's death shows in the answer.
            _log.Information("admin: {Command} {Target} by {Actor} (sent to worker(s) {Workers})", command.Kind, target, actor,
                string.Join(",", g.Asked));
            g.CheckDone();
            return Task.FromResult(g);
        });
        var limit = command.Kind is AdminCommandKind.Pause or AdminCommandKind.WaitClose
            ? WorkerAdminBackend.SupervisorCommandLimit
            : QuickCommandTimeout;
        await WaitAsync(g, limit, command.Kind.ToString());
        return await _engine.RunAsync(() =>
        {
            _adminRequests.Remove(g.Id);
            Remember(command, g);
            return Task.FromResult(MergeResults(command, g));
        });
    }

    private static AdminResult MergeResults(AdminCommand command, AdminGathering g)
    {
        if (g.Asked.Count == 0)
        {
            return command.Kind == AdminCommandKind.KillClient
                ? AdminResult.Error(AdminOutcome.NotFound, "kill_client.not_found", $"no such client: {command.ClientId}")
                : AdminResult.Error(AdminOutcome.Failed, WorkerAdminBackend.Code(command, "no_workers"), "no worker is running");
        }
        var missing = g.Asked.Where(id => !g.Results.ContainsKey(id)).Order().ToList();
        if (missing.Count > 0)
        {
            var done = g.Results.Where(r => r.Value.IsOk).Select(r => r.Key).Order().ToList();
            var why = string.Join(", ", missing.Select(id => $"worker {id} {(g.Died.Contains(id) ? "died" : "did not answer in time")}"));
            return AdminResult.Error(AdminOutcome.Failed, WorkerAdminBackend.Code(command, "partial"),
                $"{why}; applied on {(done.Count == 0 ? "no worker" : "worker(s) " + string.Join(", ", done))}");
        }
        if (g.Results.Values.FirstOrDefault(r => !r.IsOk) is { } failure)
            return failure;
        var messages = g.Results.OrderBy(r => r.Key).Select(r => r.Value.Message).Distinct().ToList();
        if (command.Kind == AdminCommandKind.Kill)
        {
            // "KILL (n clients)" from each worker: one total.
            var killed = g.Results.Values.Sum(r => ParseCount(r.Message));
            return AdminResult.Ok($"KILL ({killed} clients)");
        }
        return AdminResult.Ok(messages.Count == 1
            ? messages[0]
            : string.Join("; ", g.Results.OrderBy(r => r.Key).Select(r => $"worker {r.Key}: {r.Value.Message}")));
    }

    private static int ParseCount(string message)
    {
        var digits = new string(message.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>Loop thread: an admin console in <paramref name="origin"/> typed a command: apply it everywhere.</summary>
    private async Task AnswerWorkerCommandAsync(WorkerProcess origin, ReadOnlyMemory<byte> payload)
    {
        var link = origin.Link;
        var id = BitConverter.ToInt32(payload.Span);
        AdminResult result;
        try
        {
            result = JsonSerializer.Deserialize(payload.Span[4..], SnapshotJson.Default.WorkerAdminRequest) is { } request
                ? await BroadcastAsync(request.Command, request.Actor)
                : AdminResult.Error(AdminOutcome.BadRequest, "command.bad_request", "empty command");
        }
        catch (JsonException ex)
        {
            result = AdminResult.Error(AdminOutcome.BadRequest, "command.bad_request", ex.Message);
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(result, SnapshotJson.Default.AdminResult);
        await _engine.RunAsync(async () =>
        {
            if (link is { Closed: false } && origin.Link == link)
                await link.SendAsync(WorkerMessage.AdminResult, WorkerAdminRequest.Frame(id, json));
        });
    }

    /// <summary>Loop thread: one worker's answer to a broadcast command.</summary>
    private void OnWorkerCommandResult(int worker, ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4 || !_adminRequests.TryGetValue(BitConverter.ToInt32(payload), out var g) || !g.Waiting.Remove(worker))
            return;
        g.Results[worker] = WorkerAdminBackend.ReadResult(payload[4..])
            ?? AdminResult.Error(AdminOutcome.Failed, "command.bad_answer", $"worker {worker} sent an unreadable answer");
        g.CheckDone();
    }

    /// <summary>Loop thread: a piece of a snapshot the supervisor asked for (id, origin, last, JSON).</summary>
    private void OnSupervisorSnapshotPart(byte[] part, int worker)
    {
        if (!_adminRequests.TryGetValue(BitConverter.ToInt32(part), out var g) || !g.Waiting.Contains(worker))
            return;
        if (!g.Buffers.TryGetValue(worker, out var buffer))
            g.Buffers[worker] = buffer = new MemoryStream();
        buffer.Write(part.AsSpan(6));
        if (part[5] == 0)
            return;
        g.Buffers.Remove(worker);
        g.Waiting.Remove(worker);
        try
        {
            if (JsonSerializer.Deserialize(buffer.ToArray(), SnapshotJson.Default.AdminSnapshot) is { } snapshot)
                g.Snapshots.Add(snapshot);
        }
        catch (JsonException ex)
        {
            _log.Warning("admin: worker {Worker} sent an unreadable snapshot: {Error}", worker, ex.Message);
        }
        g.CheckDone();
    }

    /// <summary>Loop thread: a worker died; requests waiting for it finish without it (and say so).</summary>
    private void OnAdminWorkerGone(int worker)
    {
        foreach (var g in _adminRequests.Values)
        {
            if (g.Waiting.Remove(worker))
            {
                g.Died.Add(worker);
                g.Buffers.Remove(worker);
                g.CheckDone();
            }
        }
    }

    private AdminGathering NewGathering(IEnumerable<WorkerProcess> workers)
    {
        var g = new AdminGathering(++_nextAdminId, workers.Select(w => w.Id).ToList());
        _adminRequests[g.Id] = g;
        return g;
    }

    private async Task WaitAsync(AdminGathering g, TimeSpan limit, string what)
    {
        try
        {
            await g.Done.Task.WaitAsync(limit, _engine.TimeProvider);
        }
        catch (TimeoutException)
        {
            _log.Warning("admin: {What}: not every worker answered in {Limit}", what, limit);
        }
    }

    /// <summary>One admin request to several workers: who was asked, who still owes an answer, what came back.</summary>
    private sealed class AdminGathering(int id, IEnumerable<int> asked)
    {
        public int Id { get; } = id;
        public List<int> Asked { get; } = [.. asked];
        public HashSet<int> Waiting { get; } = [.. asked];
        public HashSet<int> Died { get; } = [];
        public Dictionary<int, AdminResult> Results { get; } = [];
        public Dictionary<int, MemoryStream> Buffers { get; } = [];
        public List<AdminSnapshot> Snapshots { get; } = [];
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void CheckDone()
        {
            if (Waiting.Count == 0)
                Done.TrySetResult();
        }
    }
}
