// What the pool needs from a server connection: an identity and a way to close it.
namespace Pooler.Pools;

/// <summary>A logged-in server connection as the pool sees it; the real one is Servers.ServerConnection.</summary>
internal interface IPooledServer
{
    long Id { get; }

    /// <summary>False once the connection is known dead or closing; such a server is never handed out.</summary>
    bool IsUsable { get; }

    /// <summary>Close the connection (Terminate, then close); idempotent, never throws.</summary>
    void Close(string reason);
}
