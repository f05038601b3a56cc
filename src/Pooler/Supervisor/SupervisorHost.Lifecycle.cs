// Reload and stop of the whole process tree: the supervisor validates, then tells every worker.
using Pooler.Hosting;
using Pooler.Workers;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    private readonly TaskCompletionSource _allStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// SIGHUP / RELOAD: validate the file here (errors are logged and nothing changes), then have every worker
    /// re-read and apply it on its own loop.
    /// </summary>
    public async Task<ReloadResult> ReloadAsync()
    {
        if (_stopping)
            return ReloadResult.Of(ReloadStatus.NotRunning);
        var path = _config.SourcePath!;
        var loaded = ConfigReload.Load(path, _log);
        if (!loaded.IsSuccess)
            return new ReloadResult(ReloadStatus.Invalid, loaded.Errors, []);
        var config = loaded.Config with { SourcePath = path };
        var needRestart = RestartOnlyOptions.Changed(_config.Pooler, config.Pooler);
        foreach (var option in needRestart)
            _log.Warning("reload: {Option:l} changed but needs a restart to take effect; the old value stays in force", option);
        await _engine.RunAsync(() =>
        {
            _config = config with { Pooler = RestartOnlyOptions.KeepInForce(_config.Pooler, config.Pooler) };
            _managed.OnReload();
            foreach (var worker in _workers)
            {
                if (worker.Alive)
                    _ = worker.Link!.SendAsync(WorkerMessage.Reload);
            }
            return Task.CompletedTask;
        });
        _log.Information("reload: configuration {Path} sent to {Count} worker(s)", path, _workers.Length);
        return new ReloadResult(ReloadStatus.Applied, [], needRestart);
    }

    /// <summary>
    /// Stop accepting, tell every worker (graceful: let transactions finish up to shutdown_timeout; else at once),
    /// wait for them to exit, kill any that outlive the deadline, remove the shared memory.
    /// </summary>
    private async Task StopAsync(bool graceful)
    {
        _log.Information("supervisor: {Kind} shutdown", graceful ? "graceful" : "fast");
        var timeout = _config.Pooler.ShutdownTimeout;
        try
        {
            await _engine.RunAsync(async () =>
            {
                _stopping = true;
                foreach (var listener in _listeners)
                    listener.Dispose();
                CloseWorkerSockets();
                foreach (var worker in _workers)
                {
                    if (worker.Alive)
                        _ = worker.Link!.SendAsync(graceful ? WorkerMessage.Stop : WorkerMessage.FastStop);
                }
                CheckAllStopped();
                // Workers wait up to shutdown_timeout themselves; the margin covers their exit.
                var deadline = (graceful ? timeout : TimeSpan.Zero) + TimeSpan.FromSeconds(5);
                await Task.WhenAny(_allStopped.Task, Task.Delay(deadline, _engine.TimeProvider));
                foreach (var worker in _workers)
                {
                    if (worker.Process is not null)
                    {
                        _log.Warning("worker {Id} did not stop in time; killing it", worker.Id);
                        worker.Reset();
                    }
                }
                await Task.WhenAll(_acceptLoops);
            });
        }
        catch (Exception ex)
        {
            _log.Warning(ex, "error during shutdown");
        }
        await StopAdminServicesAsync();
        _engine.Dispose();
        _shared.Dispose();
        _log.Information("pooler stopped");
    }

    private void CheckAllStopped()
    {
        if (_workers.All(w => w.Process is null))
            _allStopped.TrySetResult();
    }
}
