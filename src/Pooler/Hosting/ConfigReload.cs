// Reading the configuration file again for a reload: every error is logged and the old snapshot stays.
using Pooler.Config;
using Serilog;

namespace Pooler.Hosting;

internal static class ConfigReload
{
    public static ConfigLoadResult Load(string path, ILogger log)
    {
        log.Information("reload: reading {Path}", path);
        var loaded = ConfigLoader.Load(path);
        if (!loaded.IsSuccess)
        {
            foreach (var error in loaded.Errors)
                log.Error("reload: {Path}: {Error}", path, error.ToString());
            log.Error("reload: {Count} error(s) in {Path}; the configuration in force is kept", loaded.Errors.Count, path);
        }
        return loaded;
    }
}
