// The Int32 subtype that follows the 'R' byte of every Authentication* message.
namespace Pooler.Protocol;

/// <summary>Subtype of an Authentication* ('R') message, named after the message in the docs.</summary>
public enum AuthenticationRequestType
{
    AuthenticationOk = 0,
    AuthenticationKerberosV5 = 2,
    AuthenticationCleartextPassword = 3,
    AuthenticationMD5Password = 5,
    /// <summary>Removed from PostgreSQL in 9.1; kept so an old peer's message decodes to a name.</summary>
    AuthenticationSCMCredential = 6,
    AuthenticationGSS = 7,
    AuthenticationGSSContinue = 8,
    AuthenticationSSPI = 9,
    AuthenticationSASL = 10,
    AuthenticationSASLContinue = 11,
    AuthenticationSASLFinal = 12,
}
