// Opens and logs in server connections for a pool; the pool core stays free of I/O behind it.
namespace Pooler.Pools;

internal interface IServerConnector
{
    /// <summary>
    /// Connect and log in one server for <paramref name="pool"/>. Expected failures are values; the returned server
    /// reports its later death through <see cref="Pool.Discard"/>.
    /// </summary>
    ValueTask<ServerConnectResult> ConnectAsync(Pool pool, CancellationToken ct);
}
