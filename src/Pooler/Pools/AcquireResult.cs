// The value a client gets back from Pool.AcquireAsync.
namespace Pooler.Pools;

internal readonly record struct AcquireResult(AcquireStatus Status, IPooledServer? Server, PoolError? Error)
{
    public static AcquireResult Acquired(IPooledServer server) => new(AcquireStatus.Acquired, server, null);

    public static AcquireResult Failed(AcquireStatus status, PoolError? error) => new(status, null, error);
}
