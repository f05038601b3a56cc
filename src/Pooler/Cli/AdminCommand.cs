// `pooler admin ...`: a thin client of the management socket, with human tables or --json for scripts.
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Pooler.Config;
using Pooler.Management;

namespace Pooler.Cli;

/// <summary>
/// Parses the command line into one management request, sends it, prints the answer. Exit codes: 0 success,
/// 1 the pooler refused or failed the command (or cannot be reached), 2 wrong command line.
/// </summary>
public sealed partial class AdminCommand : ICommand
{
    public string Name => "admin";

    public IReadOnlyList<string> Synopsis => ["admin [-c FILE | --socket PATH | --host H --port P --user U [--sslmode M] [--sslrootcert F]] [--json] COMMAND [ARGS]"];

    public string Summary => "Inspect and steer a running pooler through its management socket";

    public string Help => """
        Usage: pooler admin [-c FILE | --socket PATH | --host H --port P --user U [--sslmode M] [--sslrootcert F]]
                            [--json] COMMAND [ARGS]

        Talks to a running pooler over its management socket (management_socket, by default
        <unix_socket_dir>/.s.PGSQL.<listen_port>.mgmt). -c FILE (or POOLER_CONFIG) finds the socket
        from a configuration file; --socket gives it directly. --host/--port/--user use the TCP
        management_port instead: SCRAM-SHA-256 as an admin_users user, the password from
        POOLER_ADMIN_PASSWORD or PGPASSWORD, else asked for on the terminal (never logged).
        --sslmode (or PGSSLMODE) as libpq: disable, allow, prefer (default), require, verify-ca,
        verify-full; --sslrootcert (or PGSSLROOTCERT) is the CA file that verify-ca/verify-full trust
        (else the system store). Inside TLS, SCRAM-SHA-256-PLUS binds the login to the connection.

        Reading:   status | pools | clients | servers | stats | databases | users | workers
                   config get [KEY]
        Steering:  pause [DB] | resume [DB] | reconnect [DB] | kill [DB] | kill-client ID
                   enable DB | disable DB | wait-close [DB] | reload
                   config set KEY VALUE   (applied live where possible; otherwise "restart required"
                                           or "edit the file and reload" is said plainly)
                   shutdown [--graceful | --fast] [--timeout S]
                     --graceful (default) lets transactions finish (up to shutdown_timeout) and waits
                     until the pooler has stopped (at most S seconds, default 60); --fast ends sessions now.

        --json prints the whole answer as one JSON object: {"version", "command", "outcome", "code",
        "message", "result"}. Exit codes: 0 success; 1 refused or failed (outcome not "ok"), or the
        pooler cannot be reached, or authentication failed; 2 wrong command line.

        """;

    public async Task<int> ExecuteAsync(IReadOnlyList<string> args, CommandContext context)
    {
        string? configPath = null, socketPath = null;
        var tcp = new Dictionary<string, string>();
        string? sslMode = null, sslRootCert = null;
        var json = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-c" or "--config":
                    if (++i >= args.Count)
                        return CommandLine.UsageError(context, "admin: -c needs a FILE");
                    configPath = args[i];
                    break;
                case "--socket":
                    if (++i >= args.Count)
                        return CommandLine.UsageError(context, "admin: --socket needs a PATH");
                    socketPath = args[i];
                    break;
                case "--json":
                    json = true;
                    break;
                case "--sslmode":
                    if (++i >= args.Count)
                        return CommandLine.UsageError(context, "admin: --sslmode needs a value");
                    sslMode = args[i];
                    break;
                case "--sslrootcert":
                    if (++i >= args.Count)
                        return CommandLine.UsageError(context, "admin: --sslrootcert needs a FILE");
                    sslRootCert = args[i];
                    break;
                case "--host" or "--port" or "--user":
                    if (i + 1 >= args.Count)
                        return CommandLine.UsageError(context, $"admin: {args[i]} needs a value");
                    tcp[args[i]] = args[++i];
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (rest.Count == 0)
            return CommandLine.UsageError(context, "admin: no command given");
        if (BuildRequest(rest, out var request, out var waitTimeout) is { } usage)
            return CommandLine.UsageError(context, "admin: " + usage);

        if (tcp.Count > 0)
        {
            if (!tcp.ContainsKey("--host") || !tcp.TryGetValue("--port", out var portText) || !tcp.ContainsKey("--user")
                || !int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                return CommandLine.UsageError(context, "admin: --host, --port (a number) and --user go together");
        }
        sslMode ??= context.GetEnvironmentVariable("PGSSLMODE") ?? "prefer";
        sslRootCert ??= context.GetEnvironmentVariable("PGSSLROOTCERT");
        if (!OptionEnums.TlsModes.TryParse(sslMode, out var tlsMode))
            return CommandLine.UsageError(context, $"admin: --sslmode must be one of {string.Join(", ", OptionEnums.TlsModes.Names)}");
        var configError = "";
        if (tcp.Count > 0)
            socketPath = "";
        socketPath ??= ResolveSocket(configPath ?? context.GetEnvironmentVariable("POOLER_CONFIG"), context, out configError);
        if (socketPath is null)
        {
            context.Error.WriteLine($"pooler admin: {configError}");
            return ExitCodes.Failure;
        }

        ManagementResponse response;
        Socket? socket = null;
        try
        {
            Stream stream;
            if (tcp.Count > 0)
            {
                socketPath = $"{tcp["--host"]}:{tcp["--port"]}";
                string? password = null;
                string Password() => password ??= context.GetEnvironmentVariable("POOLER_ADMIN_PASSWORD")
                    ?? context.GetEnvironmentVariable("PGPASSWORD") ?? AskPassword(tcp["--user"]);
                var (opened, refused) = await OpenTcpAsync(tcp["--host"], int.Parse(tcp["--port"], CultureInfo.InvariantCulture),
                    tcp["--user"], tlsMode, sslRootCert, Password);
                if (opened is null)
                {
                    context.Error.WriteLine($"pooler admin: cannot log in as {tcp["--user"]} at {socketPath}: {refused}");
                    return ExitCodes.Failure;
                }
                stream = opened;
            }
            else
            {
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
                stream = new NetworkStream(socket, ownsSocket: true);
            }
            await using var _stream = stream;
            await ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(request!));
            var payload = await ManagementProtocol.ReadFrameAsync(stream)
                ?? throw new IOException("the pooler closed the connection without an answer");
            response = JsonSerializer.Deserialize(payload, ManagementJson.Default.ManagementResponse)
                ?? throw new IOException("empty answer");
            if (request!.Command == "shutdown" && response.Outcome == "ok" && request.Args.GetValueOrDefault("mode") != "fast")
                await WaitForCloseAsync(stream, waitTimeout, context);
        }
        catch (Exception ex) when (ex is SocketException or IOException or JsonException or InvalidDataException or OperationCanceledException)
        {
            socket?.Dispose();
            context.Error.WriteLine($"pooler admin: cannot talk to the pooler at {socketPath}: {ex.Message}");
            return ExitCodes.Failure;
        }

        if (json)
            context.Out.WriteLine(JsonSerializer.Serialize(response, ManagementJson.Default.ManagementResponse));
        else
            PrintHuman(response, context);
        return response.Outcome == "ok" ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>The password from the terminal without echo; from a redirected stdin, its first line.</summary>
    private static string AskPassword(string user)
    {
        if (Console.IsInputRedirected)
            return Console.ReadLine() ?? "";
        Console.Error.Write($"Password for {user}: ");
        var text = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace && text.Length > 0)
                text.Length--;
            else if (!char.IsControl(key.KeyChar))
                text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }

    /// <summary>After a graceful SHUTDOWN was accepted: the pooler closes this connection once it has stopped.</summary>
    private static async Task WaitForCloseAsync(Stream stream, TimeSpan timeout, CommandContext context)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await ManagementProtocol.ReadFrameAsync(stream, cts.Token) is not null)
            {
            }
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine($"pooler admin: the pooler has not stopped within {timeout.TotalSeconds} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // Closed under us: stopped.
        }
    }

    private static string? ResolveSocket(string? configPath, CommandContext context, out string error)
    {
        error = "";
        if (configPath is null)
            return new PoolerOptions().ManagementSocketPath;
        var loaded = ConfigLoader.Load(configPath);
        if (!loaded.IsSuccess)
        {
            ConfigErrorPrinter.Print(context.Error, configPath, loaded.Errors);
            error = $"{configPath} is not a valid configuration";
            return null;
        }
        if (loaded.Config.Pooler.ManagementSocketPath is not { } path)
        {
            error = $"{configPath} has no management socket (management_socket and unix_socket_dir are both off)";
            return null;
        }
        return path;
    }

    /// <summary>The request for the words after the options; a usage message when they are wrong.</summary>
    internal static string? BuildRequest(IReadOnlyList<string> words, out ManagementRequest? request, out TimeSpan waitTimeout)
    {
        request = null;
        waitTimeout = TimeSpan.FromSeconds(60);
        var command = words[0];
        var args = new Dictionary<string, string>();
        int Max(int n) => words.Count - 1 > n ? -1 : 0;
        switch (command)
        {
            case "status" or "pools" or "clients" or "servers" or "stats" or "databases" or "users" or "workers" or "reload":
                if (Max(0) < 0)
                    return $"{command} takes no arguments";
                break;
            case "pause" or "resume" or "reconnect" or "kill" or "wait-close":
                if (Max(1) < 0)
                    return $"{command} takes at most one database";
                if (words.Count > 1)
                    args["database"] = words[1];
                break;
            case "enable" or "disable":
                if (words.Count != 2)
                    return $"{command} needs exactly one database";
                args["database"] = words[1];
                break;
            case "kill-client":
                if (words.Count != 2 || !long.TryParse(words[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                    return "kill-client needs one numeric client id (see `pooler admin clients`)";
                args["id"] = words[1];
                break;
            case "config":
                if (words.Count >= 2 && words[1] == "get" && words.Count <= 3)
                {
                    command = "config-get";
                    if (words.Count == 3)
                        args["key"] = words[2];
                    break;
                }
                if (words.Count == 4 && words[1] == "set")
                {
                    command = "config-set";
                    args["key"] = words[2];
                    args["value"] = words[3];
                    break;
                }
                return "usage: config get [KEY] | config set KEY VALUE";
            case "shutdown":
                args["mode"] = "graceful";
                for (var i = 1; i < words.Count; i++)
                {
                    switch (words[i])
                    {
                        case "--graceful":
                            args["mode"] = "graceful";
                            break;
                        case "--fast":
                            args["mode"] = "fast";
                            break;
                        case "--timeout" when i + 1 < words.Count
                            && double.TryParse(words[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                            args["timeout"] = words[++i];
                            waitTimeout = TimeSpan.FromSeconds(seconds);
                            break;
                        default:
                            return "usage: shutdown [--graceful | --fast] [--timeout SECONDS]";
                    }
                }
                break;
            default:
                return $"unknown admin command '{command}'";
        }
        request = new ManagementRequest { Command = command, Args = args };
        return null;
    }
}
