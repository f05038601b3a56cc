// Identifies one pool: the configured database name and the user the servers log in as.
namespace Pooler.Pools;

/// <summary>
/// A pool is keyed by the [databases] entry name the client asked for and the server login user (the entry's
/// forced <c>user</c> when set, else the client's user), so clients that would get identical server sessions
/// share servers.
/// </summary>
internal readonly record struct PoolKey(string Database, string User)
{
    public override string ToString() => $"{Database}/{User}";
}
