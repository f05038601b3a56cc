// One parsed line of auth_hba_file.
namespace Pooler.Auth;

/// <param name="Address">Null for "local" lines.</param>
/// <param name="Line">1-based line number in the file, for messages.</param>
internal sealed record HbaRule(HbaConnectionType Type, HbaNameList Databases, HbaNameList Users, HbaAddress? Address,
    ClientAuthMethod Method, int Line)
{
    public bool Matches(HbaRequest request)
    {
        switch (Type)
        {
            case HbaConnectionType.Local:
                if (!request.IsLocal)
                    return false;
                break;
            case HbaConnectionType.Host or HbaConnectionType.HostNoGssEnc:
                if (request.IsLocal)
                    return false;
                break;
            case HbaConnectionType.HostSsl:
                if (request.IsLocal || !request.IsTls)
                    return false;
                break;
            case HbaConnectionType.HostNoSsl:
                if (request.IsLocal || request.IsTls)
                    return false;
                break;
            default:
                return false;
        }
        if (Address is not null && !Address.Matches(request.Address!))
            return false;
        return Databases.Matches(request.Database, request.User) && Users.Matches(request.User, request.User);
    }
}
