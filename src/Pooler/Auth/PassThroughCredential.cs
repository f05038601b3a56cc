// What a client's own login taught the pooler about logging in to the server as that user, without a stored password.
using System.Runtime.CompilerServices;
using Pooler.Pools;

namespace Pooler.Auth;

/// <summary>
/// Either the SCRAM ClientKey/ServerKey recovered from a client's SCRAM exchange (valid for the server when the
/// pooler's verifier is the server's own, as auth_query from pg_shadow gives), or a password: the one a client sent
/// in clear text, or the stored md5 hash a client proved it knows (the hash answers the server's MD5 challenge). Kept per pool, in memory only, and replaced by each newer successful login.
/// </summary>
internal sealed record PassThroughCredential(byte[]? ClientKey, byte[]? ServerKey, string? Password)
{
    private static readonly ConditionalWeakTable<Pool, PassThroughCredential> s_byPool = [];

    public static PassThroughCredential FromKeys(byte[] clientKey, byte[] serverKey) => new(clientKey, serverKey, null);

    public static PassThroughCredential FromPassword(string password) => new(null, null, password);

    /// <summary>The latest credential learned for <paramref name="pool"/>'s login user, or null.</summary>
    public static PassThroughCredential? For(Pool pool) => s_byPool.TryGetValue(pool, out var c) ? c : null;

    public static void Remember(Pool pool, PassThroughCredential credential) => s_byPool.AddOrUpdate(pool, credential);

    /// <summary>Never prints key material.</summary>
    public override string ToString() => Password is null ? "PassThroughCredential { SCRAM keys }" : "PassThroughCredential { password }";
}
