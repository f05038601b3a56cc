// Turns one management request into backend calls and one response; never throws for a bad request.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pooler.Stats;

namespace Pooler.Management;

internal sealed class ManagementDispatcher(IAdminBackend backend, Func<StatsAverages> averages)
{
    /// <summary>Every command word, for `unknown command` answers and the docs.</summary>
    public static readonly string[] Commands =
    [
        "status", "pools", "clients", "servers", "stats", "databases", "users", "workers", "config-get", "config-set",
        "pause", "resume", "reconnect", "kill", "kill-client", "enable", "disable", "wait-close", "reload", "shutdown",
    ];

    /// <summary>Parse and run one frame's payload.</summary>
    public async Task<ManagementResponse> HandleAsync(byte[] payload, AdminActor actor)
    {
        ManagementRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(payload, ManagementJson.Default.ManagementRequest);
        }
        catch (JsonException ex)
        {
            return Error("", AdminOutcome.BadRequest, "request.bad_json", $"the frame is not a JSON request: {ex.Message}");
        }
        if (request is null || string.IsNullOrEmpty(request.Command))
            return Error("", AdminOutcome.BadRequest, "request.no_command", "the request names no command");
        if (request.Version != ManagementProtocol.Version)
            return Error(request.Command, AdminOutcome.BadRequest, "request.bad_version", $"protocol version {request.Version} not supported (this pooler speaks {ManagementProtocol.Version})");
        try
        {
            return await RunAsync(request, actor);
        }
        catch (FormatException ex)
        {
            return Error(request.Command, AdminOutcome.BadRequest, request.Command + ".bad_argument", ex.Message);
        }
    }

    private async Task<ManagementResponse> RunAsync(ManagementRequest request, AdminActor actor)
    {
        var args = request.Args ?? [];
        string? Arg(string name) => args.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var command = request.Command;
        switch (command)
        {
            case "status":
            {
                var s = await backend.GetSnapshotAsync();
                return Ok(command, JsonSerializer.SerializeToNode(new StatusInfo
                {
                    Version = s.Version,
                    StartedAt = s.StartedAt,
                    UptimeSeconds = (long)(s.TakenAt - s.StartedAt).TotalSeconds,
                    Paused = s.Paused,
                    ShuttingDown = s.ShuttingDown,
                    Workers = s.Workers.Count,
                    Pools = s.Pools.Count,
                    Clients = s.Clients.Count(c => !c.IsAdmin),
                    ClientsWaiting = s.Clients.Count(c => c.State == "waiting"),
                    Servers = s.Servers.Count,
                    Totals = SnapshotMerge.Totals(s),
                }, ManagementJson.Default.StatusInfo));
            }
            case "pools":
                return Ok(command, JsonSerializer.SerializeToNode((await backend.GetSnapshotAsync()).Pools, ManagementJson.Default.ListPoolInfo));
            case "clients":
                return Ok(command, JsonSerializer.SerializeToNode((await backend.GetSnapshotAsync()).Clients, ManagementJson.Default.ListClientInfo));
            case "servers":
                return Ok(command, JsonSerializer.SerializeToNode((await backend.GetSnapshotAsync()).Servers, ManagementJson.Default.ListServerInfo));
            case "databases":
                return Ok(command, JsonSerializer.SerializeToNode((await backend.GetSnapshotAsync()).Databases, ManagementJson.Default.ListDatabaseInfo));
            case "users":
                return Ok(command, JsonSerializer.SerializeToNode((await backend.GetSnapshotAsync()).Users, ManagementJson.Default.ListUserInfo));
            case "workers":
                return Ok(command, JsonSerializer.SerializeToNode((await backend.GetSnapshotAsync()).Workers, ManagementJson.Default.ListWorkerInfo));
            case "stats":
            {
                var s = await backend.GetSnapshotAsync();
                var avg = averages();
                var list = s.StatsByDatabase().Select(d => new DatabaseStats(d.Database, d.Totals, avg.Of(d.Database, d.Totals))).ToList();
                return Ok(command, JsonSerializer.SerializeToNode(list, ManagementJson.Default.ListDatabaseStats));
            }
            case "config-get":
            {
                var items = (await backend.GetSnapshotAsync()).Config;
                if (Arg("key") is { } key)
                {
                    items = items.Where(i => i.Key == key.ToLowerInvariant()).ToList();
                    if (items.Count == 0)
                        return Error(command, AdminOutcome.NotFound, "config-get.unknown_key", $"unknown setting: {key}");
                }
                return Ok(command, JsonSerializer.SerializeToNode(items, ManagementJson.Default.ListConfigItem));
            }
            case "config-set":
                return await ExecuteAsync(command, new AdminCommand(AdminCommandKind.Set, Key: Arg("key"), Value: args.GetValueOrDefault("value")), actor);
            case "pause" or "resume" or "reconnect" or "kill" or "wait-close":
                return await ExecuteAsync(command, new AdminCommand(command switch
                {
                    "pause" => AdminCommandKind.Pause,
                    "resume" => AdminCommandKind.Resume,
                    "reconnect" => AdminCommandKind.Reconnect,
                    "kill" => AdminCommandKind.Kill,
                    _ => AdminCommandKind.WaitClose,
                }, Database: Arg("database")), actor);
            case "enable" or "disable":
                if (Arg("database") is not { } db)
                    return Error(command, AdminOutcome.BadRequest, command + ".missing_database", $"{command} needs a database");
                return await ExecuteAsync(command, new AdminCommand(command == "enable" ? AdminCommandKind.Enable : AdminCommandKind.Disable, Database: db), actor);
            case "kill-client":
                if (!long.TryParse(Arg("id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                    return Error(command, AdminOutcome.BadRequest, "kill-client.bad_id", "kill-client needs a numeric client id");
                return await ExecuteAsync(command, new AdminCommand(AdminCommandKind.KillClient, ClientId: id), actor);
            case "reload":
                return await ExecuteAsync(command, new AdminCommand(AdminCommandKind.Reload), actor);
            case "shutdown":
            {
                var graceful = Arg("mode") != "fast";
                TimeSpan? timeout = Arg("timeout") is { } t
                    ? TimeSpan.FromSeconds(double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture))
                    : null;
                return await ExecuteAsync(command, new AdminCommand(AdminCommandKind.Shutdown, Graceful: graceful, Timeout: timeout), actor);
            }
            default:
                return Error(command, AdminOutcome.BadRequest, "request.unknown_command",
                    $"unknown command '{command}' (one of: {string.Join(", ", Commands)})");
        }
    }

    private async Task<ManagementResponse> ExecuteAsync(string command, AdminCommand admin, AdminActor actor)
    {
        var result = await backend.ExecuteAsync(admin, actor);
        return new ManagementResponse
        {
            Command = command,
            Outcome = OutcomeWord(result.Outcome),
            Code = result.Code,
            Message = result.Message,
        };
    }

    private static ManagementResponse Ok(string command, JsonNode? result) => new() { Command = command, Result = result };

    public static ManagementResponse Error(string command, AdminOutcome outcome, string code, string message) =>
        new() { Command = command, Outcome = OutcomeWord(outcome), Code = code, Message = message };

    public static string OutcomeWord(AdminOutcome outcome) => outcome switch
    {
        AdminOutcome.Ok => "ok",
        AdminOutcome.NotFound => "not_found",
        AdminOutcome.NotSupported => "not_supported",
        AdminOutcome.Failed => "failed",
        AdminOutcome.Forbidden => "forbidden",
        _ => "bad_request",
    };
}
