// Reads PgBouncer's admin console language: SHOW x, PAUSE [db], KILL_CLIENT id, SET key = value, ...
using System.Globalization;
using Pooler.Management;

namespace Pooler.Admin;

internal static class AdminStatementParser
{
    /// <summary>Parse one statement (a trailing ';' and surrounding blanks are ignored; keywords are case-insensitive).</summary>
    public static AdminStatement Parse(string sql)
    {
        var text = sql.Trim().TrimEnd(';').Trim();
        if (text.Length == 0)
            return AdminStatement.Invalid("");
        var words = text.Split((char[])[' ', '\t', '\r', '\n'], 2, StringSplitOptions.RemoveEmptyEntries);
        var verb = words[0].ToUpperInvariant();
        var rest = words.Length > 1 ? words[1].Trim() : "";
        var arg = rest.Length == 0 ? null : Unquote(rest);

        switch (verb)
        {
            case "SHOW":
                return arg is null || arg.Contains(' ')
                    ? AdminStatement.Invalid("SHOW needs one subject: " + string.Join(", ", AdminTables.Subjects))
                    : AdminStatement.Show(arg.ToUpperInvariant());
            case "PAUSE":
                return Run(AdminCommandKind.Pause, verb, arg);
            case "RESUME":
                return Run(AdminCommandKind.Resume, verb, arg);
            case "RECONNECT":
                return Run(AdminCommandKind.Reconnect, verb, arg);
            case "KILL":
                return Run(AdminCommandKind.Kill, verb, arg);
            case "WAIT_CLOSE":
                return Run(AdminCommandKind.WaitClose, verb, arg);
            case "SUSPEND":
                return Run(AdminCommandKind.Suspend, verb, null);
            case "RELOAD":
                return Run(AdminCommandKind.Reload, verb, null);
            case "ENABLE" or "DISABLE":
                return arg is null
                    ? AdminStatement.Invalid($"{verb} needs a database name")
                    : Run(verb == "ENABLE" ? AdminCommandKind.Enable : AdminCommandKind.Disable, verb, arg);
            case "KILL_CLIENT":
                return arg is not null && long.TryParse(arg, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                    ? AdminStatement.Run(new AdminCommand(AdminCommandKind.KillClient, ClientId: id), verb)
                    : AdminStatement.Invalid("KILL_CLIENT needs a client id (SHOW CLIENTS, column id)");
            case "SHUTDOWN":
                // WAIT_FOR_SERVERS / WAIT_FOR_CLIENTS both drain gracefully here (up to shutdown_timeout).
                var graceful = arg is not null && arg.ToUpperInvariant() is "WAIT_FOR_SERVERS" or "WAIT_FOR_CLIENTS";
                if (arg is not null && !graceful)
                    return AdminStatement.Invalid("SHUTDOWN takes no argument, WAIT_FOR_SERVERS or WAIT_FOR_CLIENTS");
                return AdminStatement.Run(new AdminCommand(AdminCommandKind.Shutdown, Graceful: graceful), verb);
            case "SET":
                var eq = rest.IndexOf('=');
                if (eq <= 0)
                {
                    var parts = rest.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 2 || !parts[1].StartsWith("TO ", StringComparison.OrdinalIgnoreCase))
                        return AdminStatement.Invalid("usage: SET key = value");
                    return AdminStatement.Run(new AdminCommand(AdminCommandKind.Set, Key: parts[0], Value: Unquote(parts[1][3..].Trim())), verb);
                }
                return AdminStatement.Run(new AdminCommand(AdminCommandKind.Set, Key: rest[..eq].Trim(), Value: Unquote(rest[(eq + 1)..].Trim())), verb);
            default:
                return AdminStatement.Invalid($"unknown command: {words[0]}");
        }
    }

    private static AdminStatement Run(AdminCommandKind kind, string tag, string? database) =>
        database is not null && database.Contains(' ')
            ? AdminStatement.Invalid($"{tag} takes at most one database name")
            : AdminStatement.Run(new AdminCommand(kind, Database: database), tag);

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '\'' && value[^1] == '\'' || value[0] == '"' && value[^1] == '"')
            ? value[1..^1]
            : value;
}
