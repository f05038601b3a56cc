// One database's counters for the `stats` management command: totals since start and averages of the last period.
using Pooler.Stats;

namespace Pooler.Management;

internal sealed record DatabaseStats(string Database, StatsTotals Totals, StatsAverage Averages);
