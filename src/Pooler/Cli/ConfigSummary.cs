// The short description of a valid configuration printed by `config check` and logged by `run`.
using System.Text;
using Pooler.Config;

namespace Pooler.Cli;

internal static class ConfigSummary
{
    public static string Describe(PoolerConfig config)
    {
        var p = config.Pooler;
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append("  ").Append((label + ":").PadRight(12)).Append(value).Append('\n');

        Line("listeners", string.Join(", ", Listeners(p)));
        Line("workers", p.Workers == 0 ? "0 (single process)" : p.Workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line("backend", p.EvBackend.ToConfigName());
        Line("pool mode", $"{p.PoolMode.ToConfigName()} (default_pool_size {p.DefaultPoolSize}, max_client_conn {p.MaxClientConn})");
        Line("auth", p.AuthType.ToConfigName() + (p.AuthFile is null ? "" : $" (auth_file {p.AuthFile})"));
        Line("databases", config.Databases.Count == 0 ? "(none: every database is refused)" : string.Join(", ", config.Databases.Values.Select(Database)));
        Line("users", config.Users.Count == 0 ? "(no overrides)" : string.Join(", ", config.Users.Keys));
        if (p.ManagementSocketPath is { } management)
            Line("management", management);
        return text.ToString();
    }

    private static IEnumerable<string> Listeners(PoolerOptions p)
    {
        foreach (var address in p.ListenAddr)
            yield return address.Contains(':') ? $"[{address}]:{p.ListenPort}" : $"{address}:{p.ListenPort}";
        if (p.UnixSocketPath is { } socket)
            yield return "unix " + socket;
    }

    private static string Database(DatabaseOptions db)
    {
        var target = $"{db.Host}:{db.Port}" + (db.DbName is null ? "" : "/" + db.DbName);
        var extras = new List<string>();
        if (db.PoolMode is { } mode)
            extras.Add(mode.ToConfigName());
        if (db.PoolSize is { } size)
            extras.Add($"pool_size {size}");
        var name = db.Name == PoolerConfig.WildcardDatabase ? "\"*\"" : db.Name;
        return $"{name} -> {target}" + (extras.Count == 0 ? "" : $" ({string.Join(", ", extras)})");
    }
}
