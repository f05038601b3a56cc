// One answer on the management socket: outcome, an error code grouped by command, a message, and the result data.
using System.Text.Json.Nodes;

namespace Pooler.Management;

internal sealed record ManagementResponse
{
    public int Version { get; init; } = ManagementProtocol.Version;
    public string Command { get; init; } = "";
    /// <summary>ok, not_found, not_supported, failed, forbidden or bad_request.</summary>
    public string Outcome { get; init; } = "ok";
    /// <summary>"" on success, else "command.reason" (e.g. "pause.not_found", "request.unknown_command").</summary>
    public string Code { get; init; } = "";
    public string Message { get; init; } = "";
    public JsonNode? Result { get; init; }
}
