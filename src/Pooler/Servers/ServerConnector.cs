// The real IServerConnector: opens and logs in server connections on the loop's IoEngine.
using Pooler.Io;
using Pooler.Pools;
using Pooler.Protocol;
using Serilog;

namespace Pooler.Servers;

internal sealed class ServerConnector(IoEngine engine, Func<Pool, ServerTarget?> targetOf, ILogger log) : IServerConnector
{
    /// <summary>server_tls_* settings of the configuration in force (null or returning null: no TLS to servers).</summary>
    public Func<Tls.ServerTlsSettings?>? Tls { get; init; }

    public async ValueTask<ServerConnectResult> ConnectAsync(Pool pool, CancellationToken ct)
    {
        if (targetOf(pool) is not { } target)
            return ServerConnectResult.Failed(ServerConnectStatus.LoginRejected,
                new PoolError(SqlState.InvalidCatalogName, $"no such database: {pool.Key.Database}"));
        var started = engine.TimeProvider.GetTimestamp();
        var result = await ServerConnection.ConnectAsync(engine, pool, target, log, ct, Tls?.Invoke());
        if (result.Status == ServerConnectStatus.HostUnavailable && !ct.IsCancellationRequested
            && target.ConnectTimeout > TimeSpan.Zero && engine.TimeProvider.GetElapsedTime(started) >= target.ConnectTimeout)
        {
            // The login's own timer aborted the socket, which reads as a lost connection; say what really happened,
            // in PgBouncer's words, so the clients waiting for this login and the log line name the timeout.
            result = ServerConnectResult.Failed(ServerConnectStatus.HostUnavailable, new PoolError(SqlState.ConnectionFailure,
                $"connect timeout: no server login to {target.HostKey} within server_connect_timeout ({target.ConnectTimeout.TotalSeconds:0.###} s)"));
        }
        if (result.Server is ServerConnection server && pool.ServerParameters is null)
            pool.LearnServerParameters(server.ParameterList());
        return result;
    }
}
