// Whether a secret lookup found the user.
namespace Pooler.Auth;

internal enum SecretLookupStatus
{
    Found,

    /// <summary>No such user (or auth_query returned no row / a NULL password): the login fails like a wrong password.</summary>
    UnknownUser,

    /// <summary>The lookup could not be done (no server for auth_query, query error): the client gets that error.</summary>
    Failed,
}
