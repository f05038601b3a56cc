// Server ParameterStatus sets shared between workers, so a worker's first client of a pool logs in without a server.
namespace Pooler.Pools;

internal sealed partial class PoolManager
{
    // What other workers' first logins saw, by pool, for pools this worker has not made yet.
    private readonly Dictionary<PoolKey, IReadOnlyList<KeyValuePair<string, string>>> _sharedParameters = [];

    /// <summary>Called when a pool of this loop learns its servers' ParameterStatus set from its own first login
    /// (the worker sends it to the supervisor, which passes it to the other workers); null in a single process.</summary>
    public Action<PoolKey, IReadOnlyList<KeyValuePair<string, string>>>? ServerParametersLearned { get; set; }

    internal void OnServerParametersLearned(Pool pool) => ServerParametersLearned?.Invoke(pool.Key, pool.ServerParameters!);

    /// <summary>
    /// Another worker logged in to <paramref name="key"/>'s servers and saw <paramref name="parameters"/>. Without it,
    /// a client placed on this worker while pool_size servers are all busy in other workers could not even log in
    /// (the welcome needs real server_version, encodings...) until a slot freed up; PgBouncer, one process, never has
    /// that gap. A pool that already knows its own set keeps it.
    /// </summary>
    public void AdoptServerParameters(PoolKey key, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        _sharedParameters[key] = parameters;
        Find(key)?.AdoptServerParameters(parameters);
    }
}
