// What a server connection needs from the client it is linked to: where to forward, and whom to tell.
using Pooler.Pools;
using Pooler.Protocol;

namespace Pooler.Servers;

internal interface IServerOwner
{
    /// <summary>The client's output; the linked server forwards its responses there.</summary>
    GuardedOutput Output { get; }

    /// <summary>The server reported a parameter the client now sees (forwarded to it already).</summary>
    void OnParameterStatus(string name, string value);

    /// <summary>A ReadyForQuery for the client's own query was forwarded; the client may release the server.</summary>
    void OnReadyForQuery(ServerConnection server, TransactionStatus status);

    /// <summary>The server died or broke the protocol while linked; the client session ends with the error.</summary>
    void OnServerLost(ServerConnection server, PoolError error);
}
