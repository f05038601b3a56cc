// The SCRAM-SHA-256 handshake that opens every connection to the TCP management port, in management frames.
using System.Text.Json;
using System.Text.Json.Nodes;
using Pooler.Protocol.Auth;

namespace Pooler.Management;

/// <summary>
/// Client: `auth` {user, mechanism, data = base64 client-first-message}; server: ok {data = server-first}; client:
/// `auth` {data = client-final}; server: ok {data = server-final} (the client checks the server's signature), or
/// forbidden `auth.failed` and the connection closes. Anything else before that is refused (`request.unauthenticated`).
/// </summary>
internal static class ManagementScram
{
    /// <summary>The user name and mechanism once the peer has proved itself; null after a refusal was sent.</summary>
    public static async Task<(string User, string Mechanism)?> AuthenticateAsync(Stream stream, ManagementAuth auth, byte[]? channelBinding,
        CancellationToken ct)
    {
        var first = await ReadAuthAsync(stream, ct);
        if (first is null)
            return null;
        var user = first.GetValueOrDefault("user") ?? "";
        var scram = auth.Begin(user, out var allowed, channelBinding);
        if (scram.HandleClientFirst(first.GetValueOrDefault("mechanism") ?? "", Decode(first.GetValueOrDefault("data")), out var serverFirst) != AuthStatus.Continue)
        {
            await RefuseAsync(stream, ct);
            return null;
        }
        await SendAsync(stream, "continue", serverFirst, ct);
        var final = await ReadAuthAsync(stream, ct);
        if (final is null)
            return null;
        if (scram.HandleClientFinal(Decode(final.GetValueOrDefault("data")), out var serverFinal) != AuthStatus.Success || !allowed)
        {
            await RefuseAsync(stream, ct);
            return null;
        }
        await SendAsync(stream, "authenticated", serverFinal, ct);
        return (user, scram.UsedChannelBinding ? ScramServer.MechanismPlus : ScramServer.Mechanism);
    }

    /// <summary>The next frame's `auth` arguments; anything else is answered with a refusal and gives null.</summary>
    private static async Task<Dictionary<string, string>?> ReadAuthAsync(Stream stream, CancellationToken ct)
    {
        var payload = await ManagementProtocol.ReadFrameAsync(stream, ct);
        if (payload is null)
            return null;
        ManagementRequest? request = null;
        try
        {
            request = JsonSerializer.Deserialize(payload, ManagementJson.Default.ManagementRequest);
        }
        catch (JsonException)
        {
            // Answered below like any request that is not `auth`.
        }
        if (request is { Command: "auth" })
            return request.Args ?? [];
        await ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(ManagementDispatcher.Error(request?.Command ?? "",
            AdminOutcome.Forbidden, "request.unauthenticated", "authenticate first (the `auth` command, SCRAM-SHA-256)")), ct);
        return null;
    }

    private static byte[] Decode(string? base64)
    {
        try
        {
            return Convert.FromBase64String(base64 ?? "");
        }
        catch (FormatException)
        {
            return []; // a malformed SCRAM message, which the exchange refuses
        }
    }

    private static Task SendAsync(Stream stream, string message, byte[] data, CancellationToken ct) =>
        ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(new ManagementResponse
        {
            Command = "auth",
            Message = message,
            Result = new JsonObject { ["data"] = Convert.ToBase64String(data) },
        }), ct);

    private static Task RefuseAsync(Stream stream, CancellationToken ct) =>
        ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(
            ManagementDispatcher.Error("auth", AdminOutcome.Forbidden, "auth.failed", "authentication failed")), ct);

    /// <summary>Client side (`pooler admin --host`): null once both sides proved themselves, else why not
    /// (<see cref="ManagementTls.TlsRequiredCode"/> when the port refused clear text). With
    /// <paramref name="channelBinding"/> (inside TLS) it uses SCRAM-SHA-256-PLUS.</summary>
    public static async Task<string?> LogInAsync(Stream stream, string user, string password, byte[]? channelBinding = null,
        CancellationToken ct = default)
    {
        var client = new ScramClient(password, channelBinding) { UserName = user };
        var mechanism = channelBinding is null ? ScramServer.Mechanism : ScramServer.MechanismPlus;
        var clientFirst = client.CreateClientFirst(mechanism);
        var answer = await ExchangeAsync(stream, new() { ["user"] = user, ["mechanism"] = mechanism, ["data"] = Convert.ToBase64String(clientFirst) }, ct);
        if (answer.Outcome != "ok")
            return answer.Code == ManagementTls.TlsRequiredCode ? ManagementTls.TlsRequiredCode : answer.Message;
        if (client.HandleServerFirst(Decode(answer.Result?["data"]?.GetValue<string>()), out var clientFinal) != AuthStatus.Continue)
            return $"bad SCRAM answer from the pooler ({client.Failure})";
        answer = await ExchangeAsync(stream, new() { ["data"] = Convert.ToBase64String(clientFinal) }, ct);
        if (answer.Outcome != "ok")
            return answer.Message;
        return client.HandleServerFinal(Decode(answer.Result?["data"]?.GetValue<string>())) == AuthStatus.Success
            ? null
            : "the pooler's SCRAM signature does not match: it does not know this password";
    }

    private static async Task<ManagementResponse> ExchangeAsync(Stream stream, Dictionary<string, string> args, CancellationToken ct)
    {
        await ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(new ManagementRequest { Command = "auth", Args = args }), ct);
        var payload = await ManagementProtocol.ReadFrameAsync(stream, ct) ?? throw new IOException("the pooler closed the connection during authentication");
        return JsonSerializer.Deserialize(payload, ManagementJson.Default.ManagementResponse) ?? throw new IOException("empty answer");
    }
}
