// Reload of a single-process pooler: re-read the file, validate, apply on the loop thread.
using Pooler.Config;

namespace Pooler.Hosting;

internal sealed partial class PoolerInstance
{
    /// <summary>
    /// Re-read the configuration file this pooler was started with (or <paramref name="path"/>), and apply it when
    /// valid; when not, log every error and keep the configuration in force.
    /// </summary>
    public async Task<ReloadResult> ReloadAsync(string? path = null)
    {
        if (Volatile.Read(ref _stopped) != 0)
            return ReloadResult.Of(ReloadStatus.NotRunning);
        path ??= Runtime.Config.SourcePath;
        if (path is null)
        {
            _log.Warning("reload: the configuration was not read from a file; nothing to reload");
            return ReloadResult.Of(ReloadStatus.NoSourceFile);
        }
        var loaded = ConfigReload.Load(path, _log);
        if (!loaded.IsSuccess)
            return new ReloadResult(ReloadStatus.Invalid, loaded.Errors, []);
        return await ApplyAsync(loaded.Config);
    }

    /// <summary>Apply an already validated configuration on the loop thread.</summary>
    internal async Task<ReloadResult> ApplyAsync(PoolerConfig config)
    {
        try
        {
            var needRestart = await Engine.RunAsync(() => Task.FromResult(Runtime.ApplyConfig(config)));
            _log.Information("reload: configuration {Path} in force", config.SourcePath);
            return new ReloadResult(ReloadStatus.Applied, [], needRestart);
        }
        catch (ObjectDisposedException)
        {
            return ReloadResult.Of(ReloadStatus.NotRunning);
        }
    }
}
