// The outcome of looking up a user's secret in auth_file or through auth_query.
using Pooler.Pools;

namespace Pooler.Auth;

/// <summary>Found (with the secret), unknown user, or the lookup itself failed (auth_query could not run).</summary>
internal readonly record struct SecretLookup(SecretLookupStatus Status, StoredSecret? Secret, PoolError? Error)
{
    public static SecretLookup Found(StoredSecret secret) => new(SecretLookupStatus.Found, secret, null);

    public static readonly SecretLookup Unknown = new(SecretLookupStatus.UnknownUser, null, null);

    public static SecretLookup Failed(PoolError error) => new(SecretLookupStatus.Failed, null, error);
}
