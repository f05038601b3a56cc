// The first column of a pg_hba.conf line: which kind of connection the line is about.
namespace Pooler.Auth;

internal enum HbaConnectionType
{
    /// <summary>"local": Unix-domain socket.</summary>
    Local,

    /// <summary>"host": TCP, with or without TLS.</summary>
    Host,

    /// <summary>"hostssl": TCP with TLS only.</summary>
    HostSsl,

    /// <summary>"hostnossl": TCP without TLS only.</summary>
    HostNoSsl,

    /// <summary>"hostgssenc": GSSAPI-encrypted TCP, which the pooler never accepts: the line never matches.</summary>
    HostGssEnc,

    /// <summary>"hostnogssenc": TCP without GSSAPI encryption, i.e. every TCP connection here.</summary>
    HostNoGssEnc,
}
