// The `status` management command's answer: one screenful about the whole pooler.
using Pooler.Stats;

namespace Pooler.Management;

internal sealed record StatusInfo
{
    public string Version { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public long UptimeSeconds { get; init; }
    public bool Paused { get; init; }
    public bool ShuttingDown { get; init; }
    public int Workers { get; init; }
    public int Pools { get; init; }
    public int Clients { get; init; }
    public int ClientsWaiting { get; init; }
    public int Servers { get; init; }
    public StatsTotals Totals { get; init; } = StatsTotals.Empty;
}
