// Applies a steering command to one runtime's pools and sessions; runs on its loop thread.
using Pooler.Hosting;
using Pooler.Pools;

namespace Pooler.Management;

/// <summary>
/// <see cref="Apply"/> changes state at once on the loop thread and returns the task that completes when the
/// command's effect is done (PAUSE: servers of the paused pools closed; WAIT_CLOSE: close-needed servers gone).
/// </summary>
internal static class AdminActions
{
    public static Task<AdminResult> Apply(PoolerRuntime rt, AdminCommand command)
    {
        var manager = rt.Manager;
        var db = command.Database;
        var kind = command.Kind.ToString().ToLowerInvariant();
        if (db is not null && command.Kind is not (AdminCommandKind.Enable or AdminCommandKind.Disable) && !Known(rt, db))
            return Done(AdminResult.Error(AdminOutcome.NotFound, kind + ".not_found", $"no such database: {db}"));
        switch (command.Kind)
        {
            case AdminCommandKind.Pause:
                manager.Pause(db, "database paused");
                var paused = manager.PoolsOf(db).ToList();
                return Then(manager.WhenAsync(() => paused.All(p => p.ServerCount == 0)), "PAUSE");
            case AdminCommandKind.Resume:
                manager.Resume(db);
                return Done(AdminResult.Ok("RESUME"));
            case AdminCommandKind.Reconnect:
                foreach (var pool in manager.PoolsOf(db))
                    pool.Reconnect("reconnect requested");
                return Done(AdminResult.Ok("RECONNECT"));
            case AdminCommandKind.WaitClose:
                var pools = manager.PoolsOf(db).ToList();
                return Then(manager.WhenAsync(() => pools.All(p => p.CloseNeededCount == 0)), "WAIT_CLOSE");
            case AdminCommandKind.Kill:
                // As PgBouncer: the database stays paused after KILL until RESUME.
                manager.Pause(db, "database killed");
                var killed = 0;
                foreach (var session in rt.Sessions.ToList())
                {
                    if (!session.IsAdminConsole && (db is null || session.Database == db))
                    {
                        session.Kill("terminating connection due to administrator command (KILL)");
                        killed++;
                    }
                }
                return Done(AdminResult.Ok($"KILL ({killed} clients)"));
            case AdminCommandKind.KillClient:
                var victim = rt.Sessions.FirstOrDefault(s => ClientIds.Global(rt.WorkerId, s.Id) == command.ClientId);
                if (victim is null)
                    return Done(AdminResult.Error(AdminOutcome.NotFound, "kill_client.not_found", $"no such client: {command.ClientId}"));
                victim.Kill("terminating connection due to administrator command (KILL_CLIENT)");
                return Done(AdminResult.Ok("KILL_CLIENT"));
            case AdminCommandKind.Enable:
            case AdminCommandKind.Disable:
                if (db is null)
                    return Done(AdminResult.Error(AdminOutcome.BadRequest, kind + ".missing_database", $"{kind.ToUpperInvariant()} needs a database name"));
                if (command.Kind == AdminCommandKind.Enable)
                    manager.Enable(db);
                else
                    manager.Disable(db);
                return Done(AdminResult.Ok(kind.ToUpperInvariant()));
            case AdminCommandKind.Suspend:
                return Done(AdminResult.Error(AdminOutcome.NotSupported, "suspend.not_supported",
                    "SUSPEND is not supported: online restart hands sockets over differently (use RELOAD, or PAUSE for a database restart)"));
            case AdminCommandKind.Set:
                return Done(ConfigChange.Apply(rt, command.Key, command.Value));
            default:
                return Done(AdminResult.Error(AdminOutcome.BadRequest, "command.unknown", $"unknown command {command.Kind}"));
        }
    }

    private static bool Known(PoolerRuntime rt, string db) =>
        rt.Config.FindDatabase(db) is not null || rt.Manager.Pools.Any(p => p.Key.Database == db);

    private static Task<AdminResult> Done(AdminResult result) => Task.FromResult(result);

    private static async Task<AdminResult> Then(Task wait, string tag)
    {
        await wait;
        return AdminResult.Ok(tag);
    }
}
