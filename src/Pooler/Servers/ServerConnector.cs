// The real IServerConnector: opens and logs in server connections on the loop's IoEngine.
using Pooler.Io;
using Pooler.Pools;
using Pooler.Protocol;
using Serilog;

namespace Pooler.Servers;

internal sealed class ServerConnector(IoEngine engine, Func<Pool, ServerTarget?> targetOf, ILogger log) : IServerConnector
{
    public async ValueTask<ServerConnectResult> ConnectAsync(Pool pool, CancellationToken ct)
    {
        if (targetOf(pool) is not { } target)
            return ServerConnectResult.Failed(ServerConnectStatus.LoginRejected,
                new PoolError(SqlState.InvalidCatalogName, $"no such database: {pool.Key.Database}"));
        var result = await ServerConnection.ConnectAsync(engine, pool, target, log, ct);
        if (result.Server is ServerConnection server && pool.ServerParameters is null)
            pool.ServerParameters = server.ParameterList();
        return result;
    }
}
