// Whether a global server slot was granted, and if not which limit stopped it.
namespace Pooler.Pools;

internal enum ServerSlotStatus
{
    Granted,
    DatabaseLimit,
    UserLimit,
    /// <summary>pool_size reached across worker processes (shared counters only).</summary>
    PoolLimit,
}
