// What an hba line is matched against: how the client came, from where, and which database and user it asked for.
using System.Net;

namespace Pooler.Auth;

/// <param name="Address">The client's IP address; null for a Unix-socket connection.</param>
/// <param name="IsTls">True once the connection runs over TLS (set by the TLS code).</param>
internal sealed record HbaRequest(IPAddress? Address, bool IsTls, string Database, string User)
{
    public bool IsLocal => Address is null;

    /// <summary>The host as PostgreSQL names it in its messages: the address, or "[local]".</summary>
    public string HostText => Address is null ? "[local]" : (Address.IsIPv4MappedToIPv6 ? Address.MapToIPv4() : Address).ToString();
}
