// SET key = value / `pooler admin config set`: the settings that can change live, applied to one runtime.
using System.Globalization;
using Pooler.Config;
using Pooler.Hosting;

namespace Pooler.Management;

/// <summary>
/// A small, explicit list of live settings (pool sizes, waits, logging, reset query). Settings bound to sockets or
/// processes need a restart and say so; other settings are changed by editing the file and RELOAD. Loop thread.
/// </summary>
internal static class ConfigChange
{
    public static AdminResult Apply(PoolerRuntime rt, string? key, string? value)
    {
        if (TryChange(rt.Options, key, value, out var changed) is { } error)
            return error;
        // The same path as a reload, so pools pick up new sizes and waits the same way.
        rt.ApplyConfig(rt.Config with { Pooler = changed! });
        return AdminResult.Ok("SET");
    }

    /// <summary>
    /// <paramref name="current"/> with <paramref name="key"/> set to <paramref name="value"/>, or why not: a pure
    /// function, so the supervisor keeps its own copy of the options in step with the workers' SET.
    /// </summary>
    public static AdminResult? TryChange(PoolerOptions current, string? key, string? value, out PoolerOptions? changed)
    {
        changed = null;
        if (string.IsNullOrEmpty(key) || value is null)
            return AdminResult.Error(AdminOutcome.BadRequest, "set.syntax", "usage: SET key = value");
        key = key.ToLowerInvariant();
        if (!ConfigListing.List(current).Any(c => c.Key == key))
            return AdminResult.Error(AdminOutcome.NotFound, "set.unknown_key", $"unknown setting: {key}");
        if (ConfigListing.RestartOnly.Contains(key))
            return AdminResult.Error(AdminOutcome.NotSupported, "set.restart_required", $"{key} cannot change while running: restart required");
        try
        {
            changed = With(current, key, value.Trim().Trim('\'', '"'));
        }
        catch (FormatException)
        {
            return AdminResult.Error(AdminOutcome.BadRequest, "set.bad_value", $"invalid value for {key}: {value}");
        }
        if (changed is null)
        {
            return AdminResult.Error(AdminOutcome.NotSupported, "set.not_live",
                $"{key} is not changed live by SET: edit the configuration file and RELOAD");
        }
        return null;
    }

    private static PoolerOptions? With(PoolerOptions o, string key, string value) => key switch
    {
        "default_pool_size" => o with { DefaultPoolSize = Int(value) },
        "min_pool_size" => o with { MinPoolSize = Int(value) },
        "reserve_pool_size" => o with { ReservePoolSize = Int(value) },
        "reserve_pool_timeout" => o with { ReservePoolTimeout = Seconds(value) },
        "max_client_conn" => o with { MaxClientConn = Int(value) },
        "query_wait_timeout" => o with { QueryWaitTimeout = Seconds(value) },
        "log_connections" => o with { LogConnections = Bool(value) },
        "log_disconnections" => o with { LogDisconnections = Bool(value) },
        "log_pooler_errors" => o with { LogPoolerErrors = Bool(value) },
        "server_reset_query" => o with { ServerResetQuery = value.Length == 0 ? null : value },
        "server_reset_query_always" => o with { ServerResetQueryAlways = Bool(value) },
        _ => null,
    };

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new FormatException();

    private static TimeSpan Seconds(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 ? TimeSpan.FromSeconds(s) : throw new FormatException();

    private static bool Bool(string value) => value.ToLowerInvariant() switch
    {
        "1" or "on" or "true" or "yes" => true,
        "0" or "off" or "false" or "no" => false,
        _ => throw new FormatException(),
    };
}
