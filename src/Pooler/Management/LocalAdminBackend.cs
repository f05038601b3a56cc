// The admin backend of one runtime (workers = 0, or one worker): snapshots and commands run on its loop thread.
using Pooler.Hosting;
using Pooler.Stats;

namespace Pooler.Management;

internal sealed class LocalAdminBackend : IAdminBackend
{
    private readonly PoolerRuntime _rt;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    public LocalAdminBackend(PoolerRuntime rt)
    {
        _rt = rt;
        Averages = new StatsAverages(_startedAt, StatsAverages.DefaultPeriod, TimeProvider.System);
    }

    /// <summary>SHOW STATS averages, shared by every reader of this backend.</summary>
    public StatsAverages Averages { get; }

    /// <summary>What RELOAD runs (the host's reload entry); null while none is wired.</summary>
    public Func<Task<AdminResult>>? Reload { get; set; }

    /// <summary>What SHUTDOWN runs (the host stops the process); null while none is wired.</summary>
    public Func<AdminCommand, Task>? Shutdown { get; set; }

    public Task<AdminSnapshot> GetSnapshotAsync() =>
        _rt.Engine.RunAsync(() => Task.FromResult(SnapshotBuilder.Build(_rt, _startedAt)));

    public async Task<AdminResult> ExecuteAsync(AdminCommand command, AdminActor actor)
    {
        _rt.Log.Information("admin: {Command} {Target} by {Actor}", command.Kind,
            command.Database ?? command.Key ?? (command.ClientId != 0 ? command.ClientId.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(all)"), actor);
        switch (command.Kind)
        {
            case AdminCommandKind.Reload:
                return Reload is { } reload
                    ? await reload()
                    : AdminResult.Error(AdminOutcome.NotSupported, "reload.unavailable", "reload is not available in this process");
            case AdminCommandKind.Shutdown:
                if (Shutdown is not { } shutdown)
                    return AdminResult.Error(AdminOutcome.NotSupported, "shutdown.unavailable", "shutdown is not available in this process");
                // Answer first: the caller's connection ends with the process.
                _ = Task.Run(() => shutdown(command));
                return AdminResult.Ok(command.Graceful ? "shutting down (graceful)" : "shutting down (fast)");
        }
        var wait = await _rt.Engine.RunAsync(() => Task.FromResult(AdminActions.Apply(_rt, command)));
        return await wait;
    }
}
