// Which worker gets a new client: the one already serving its (database, user) pool, unless that one is clearly
// busier than the least loaded; otherwise the least loaded.
namespace Pooler.Supervisor;

/// <summary>
/// Keeps pools from fragmenting across processes (each fragment would open its own servers) without letting one
/// popular pool pile every client onto one worker: a serving worker is preferred while its load stays within
/// <see cref="Slack"/> of the least loaded worker's (plus a quarter of it). Loads come from the caller (clients per
/// worker, from shared memory). Not thread-safe: the supervisor's loop uses it.
/// </summary>
internal sealed class WorkerChooser
{
    /// <summary>How many more clients than the least loaded worker a serving worker may carry and still be preferred.</summary>
    public const int Slack = 8;

    private readonly Dictionary<(string Database, string User), HashSet<int>> _serving = [];

    /// <summary>
    /// The worker for a client of (<paramref name="database"/>, <paramref name="user"/>) — null when the first
    /// packet named no pool (SSLRequest before TLS) — among workers whose <paramref name="loads"/> entry is &gt;= 0
    /// (negative = not available). Returns -1 when no worker is available.
    /// </summary>
    public int Choose(string? database, string? user, IReadOnlyList<int> loads)
    {
        var least = -1;
        for (var w = 0; w < loads.Count; w++)
        {
            if (loads[w] >= 0 && (least < 0 || loads[w] < loads[least]))
                least = w;
        }
        if (least < 0 || database is null || user is null)
            return least;

        var key = (database, user);
        if (!_serving.TryGetValue(key, out var serving))
        {
            serving = [];
            _serving[key] = serving;
        }
        var best = -1;
        foreach (var w in serving)
        {
            if (w < loads.Count && loads[w] >= 0 && (best < 0 || loads[w] < loads[best] || (loads[w] == loads[best] && w < best)))
                best = w;
        }
        var bound = loads[least] + Slack + loads[least] / 4;
        var chosen = best >= 0 && loads[best] <= bound ? best : least;
        serving.Add(chosen);
        return chosen;
    }

    /// <summary>A worker died or restarted: it serves no pool any more.</summary>
    public void Forget(int worker)
    {
        foreach (var set in _serving.Values)
            set.Remove(worker);
    }

    /// <summary>Whether <paramref name="worker"/> has been given clients of the pool (tests).</summary>
    public bool Serves(int worker, string database, string user) =>
        _serving.TryGetValue((database, user), out var set) && set.Contains(worker);
}
