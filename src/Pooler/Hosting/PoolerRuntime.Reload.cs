// Applying a new configuration snapshot to a running loop (SIGHUP, the management RELOAD command).
using Pooler.Config;

namespace Pooler.Hosting;

internal sealed partial class PoolerRuntime
{
    /// <summary>
    /// Raised on the loop thread after a new configuration is in force, with the old and the new snapshot: the hook
    /// for parts that cache what the file said (client auth itself is reloaded before).
    /// </summary>
    public event Action<PoolerConfig, PoolerConfig>? ConfigReloaded;

    /// <summary>
    /// Loop thread: make <paramref name="config"/> (already validated) the configuration in force. Pool sizes and
    /// modes apply to new acquisitions and new clients; running sessions keep their servers. Returns the
    /// restart-only options that changed (they keep their old values until a restart).
    /// </summary>
    public IReadOnlyList<string> ApplyConfig(PoolerConfig config)
    {
        var old = Config;
        var needRestart = RestartOnlyOptions.Changed(old.Pooler, config.Pooler);
        config = config with { Pooler = RestartOnlyOptions.KeepInForce(old.Pooler, config.Pooler) };
        // auth_file, hba and the auth_query cache: server logins read auth_file through Auth too.
        Auth.Reload(config);
        var dropped = Directory.Reconfigure(config);
        foreach (var name in dropped.Distinct())
            Log.Information("reload: database {Database:l} is no longer served; its clients keep their sessions", name);
        foreach (var name in config.Databases.Keys.Except(old.Databases.Keys))
            Log.Information("reload: database {Database:l} added", name);
        foreach (var option in needRestart)
            Log.Warning("reload: {Option:l} changed but needs a restart to take effect; the old value stays in force", option);
        ConfigReloaded?.Invoke(old, config);
        return needRestart;
    }
}
