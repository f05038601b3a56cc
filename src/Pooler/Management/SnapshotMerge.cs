// Combines the snapshots of several workers into the one picture the console, the CLI and the metrics show.
using Pooler.Stats;

namespace Pooler.Management;

/// <summary>A pure function: the same pool on two workers is one row with summed counts and the longer wait.</summary>
internal static class SnapshotMerge
{
    public static AdminSnapshot Merge(IReadOnlyList<AdminSnapshot> parts)
    {
        if (parts.Count == 0)
            return new AdminSnapshot();
        if (parts.Count == 1)
            return parts[0];
        var first = parts[0];
        var pools = parts.SelectMany(p => p.Pools)
            .GroupBy(p => (p.Database, p.User))
            .Select(g => g.Aggregate((a, b) => a with
            {
                ClActive = a.ClActive + b.ClActive,
                ClWaiting = a.ClWaiting + b.ClWaiting,
                ClActiveCancelReq = a.ClActiveCancelReq + b.ClActiveCancelReq,
                SvActiveCancel = a.SvActiveCancel + b.SvActiveCancel,
                SvBeingCanceled = a.SvBeingCanceled + b.SvBeingCanceled,
                SvActive = a.SvActive + b.SvActive,
                SvIdle = a.SvIdle + b.SvIdle,
                SvUsed = a.SvUsed + b.SvUsed,
                SvTested = a.SvTested + b.SvTested,
                SvLogin = a.SvLogin + b.SvLogin,
                MaxWaitUs = Math.Max(a.MaxWaitUs, b.MaxWaitUs),
                Paused = a.Paused || b.Paused,
                Stats = a.Stats.Add(b.Stats),
            }))
            .OrderBy(p => p.Database, StringComparer.Ordinal).ThenBy(p => p.User, StringComparer.Ordinal)
            .ToList();
        var databases = parts.SelectMany(p => p.Databases)
            .GroupBy(d => d.Name, StringComparer.Ordinal)
            .Select(g => g.Aggregate((a, b) => a with
            {
                CurrentConnections = a.CurrentConnections + b.CurrentConnections,
                CurrentClientConnections = a.CurrentClientConnections + b.CurrentClientConnections,
                Paused = a.Paused || b.Paused,
                Disabled = a.Disabled || b.Disabled,
            }))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        var users = parts.SelectMany(p => p.Users)
            .GroupBy(u => u.Name, StringComparer.Ordinal)
            .Select(g => g.Aggregate((a, b) => a with
            {
                CurrentConnections = a.CurrentConnections + b.CurrentConnections,
                CurrentClientConnections = a.CurrentClientConnections + b.CurrentClientConnections,
            }))
            .OrderBy(u => u.Name, StringComparer.Ordinal)
            .ToList();
        return first with
        {
            TakenAt = parts.Max(p => p.TakenAt),
            StartedAt = parts.Min(p => p.StartedAt),
            Paused = parts.Any(p => p.Paused),
            ShuttingDown = parts.Any(p => p.ShuttingDown),
            Pools = pools,
            Clients = parts.SelectMany(p => p.Clients).OrderBy(c => c.Worker).ThenBy(c => c.Id).ToList(),
            Servers = parts.SelectMany(p => p.Servers).OrderBy(s => s.Worker).ThenBy(s => s.Id).ToList(),
            Databases = databases,
            Users = users,
            Workers = parts.SelectMany(p => p.Workers).OrderBy(w => w.Id).ToList(),
        };
    }

    /// <summary>Totals over every pool (SHOW TOTALS, the status line).</summary>
    public static StatsTotals Totals(AdminSnapshot snapshot) =>
        snapshot.Pools.Aggregate(StatsTotals.Empty, (sum, p) => sum.Add(p.Stats));
}
