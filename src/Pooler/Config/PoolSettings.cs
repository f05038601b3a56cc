// The settings in force for one (database, user) pool after user > database > global resolution.
namespace Pooler.Config;

/// <summary>Effective settings of one pool, from <see cref="PoolerConfig.ResolvePool"/>. Zero limits mean
/// unlimited, as in the options they come from.</summary>
public sealed record PoolSettings(
    PoolMode PoolMode,
    int PoolSize,
    int MinPoolSize,
    int ReservePoolSize,
    int MaxDbConnections,
    int MaxUserConnections,
    int MaxUserClientConnections);
