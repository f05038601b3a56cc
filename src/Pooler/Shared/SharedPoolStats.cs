// One pool's statistics summed over every worker's row in shared memory: what SHOW STATS and the metrics total.
using Pooler.Stats;

namespace Pooler.Shared;

/// <param name="Database">The pool's database, or null when its name did not fit the row (then only a live pool of
/// the same key can claim these totals).</param>
internal sealed record SharedPoolStats(string? Database, string? User, StatsTotals Totals);
