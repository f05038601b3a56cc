// Client authentication. For now every user is accepted (trust); issue 6 brings md5, SCRAM, hba and auth_query.
namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    /// <summary>Null when the client is authenticated. Trust only for now: AuthenticationOk is sent with the login reply.</summary>
    private static ValueTask<SessionEnd?> AuthenticateAsync() => ValueTask.FromResult<SessionEnd?>(null);
}
