// The value a server connector returns: a logged-in server, or why there is none.
namespace Pooler.Pools;

internal readonly record struct ServerConnectResult(ServerConnectStatus Status, IPooledServer? Server, PoolError? Error)
{
    public static ServerConnectResult Connected(IPooledServer server) => new(ServerConnectStatus.Connected, server, null);

    public static ServerConnectResult Failed(ServerConnectStatus status, PoolError error) => new(status, null, error);
}
