// The [pooler] settings as key/value/default/changeable rows (SHOW CONFIG, `pooler admin config get`).
using System.Globalization;
using System.Reflection;
using System.Text;
using Pooler.Config;

namespace Pooler.Management;

internal static class ConfigListing
{
    /// <summary>Settings a running pooler cannot take without a restart (sockets, processes, files opened at start).</summary>
    public static readonly IReadOnlySet<string> RestartOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "listen_addr", "listen_port", "unix_socket_dir", "unix_socket_mode", "workers", "ev_backend",
        "management_socket", "management_port", "metrics_port", "metrics_addr", "pid_file", "log_file",
    };

    private static readonly PoolerOptions s_defaults = new();

    /// <summary>Every public [pooler] option, named as in the TOML file, in declaration order.</summary>
    public static List<ConfigItem> List(PoolerOptions options)
    {
        var items = new List<ConfigItem>();
        foreach (var property in typeof(PoolerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Derived paths (ManagementSocketPath) have no setter and are not options.
            if (!property.CanWrite)
                continue;
            var key = SnakeCase(property.Name);
            items.Add(new ConfigItem(key, Format(property.GetValue(options)), Format(property.GetValue(s_defaults)),
                !RestartOnly.Contains(key)));
        }
        return items;
    }

    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }

    /// <summary>As the TOML file spells a value: seconds for durations, octal for modes, commas for lists.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        TimeSpan t => t.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        UnixFileMode m => "0" + Convert.ToString((int)m, 8),
        PoolMode m => m.ToConfigName(),
        AuthType a => a.ToConfigName(),
        EventBackendKind k => k.ToConfigName(),
        PoolerLogLevel l => l.ToConfigName(),
        TlsMode t => t.ToConfigName(),
        IEnumerable<string> list => string.Join(",", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
