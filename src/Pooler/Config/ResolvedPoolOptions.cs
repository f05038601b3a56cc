// The settings in force for one (database, user) pool after user > database > global resolution
// (named apart from Pools.PoolSettings, the pool core's own input, which the pooling code builds from this).
namespace Pooler.Config;

/// <summary>Effective settings of one pool, from <see cref="PoolerConfig.ResolvePool"/>. Zero limits mean
/// unlimited, as in the options they come from.</summary>
public sealed record ResolvedPoolOptions(
    PoolMode PoolMode,
    int PoolSize,
    int MinPoolSize,
    int ReservePoolSize,
    int MaxDbConnections,
    int MaxUserConnections,
    int MaxUserClientConnections);
