// Where and as whom a pool's servers log in: resolved once per pool from the [databases] entry and auth_file.
using System.Net;
using System.Net.Sockets;

namespace Pooler.Servers;

/// <summary>
/// The login of a pool's servers. <see cref="Password"/> is plain text, or an "md5…" hash from auth_file, which can
/// answer an MD5 challenge but not cleartext or SCRAM (those need the password itself).
/// </summary>
internal sealed record ServerTarget(string Host, int Port, string DbName, string User, string? Password, TimeSpan ConnectTimeout)
{
    /// <summary>A host starting with '/' is a Unix socket directory, as in libpq and PgBouncer.</summary>
    public bool IsUnixSocket => Host.StartsWith('/');

    public string HostKey => $"{Host}:{Port}";

    /// <summary>cancel_wait_timeout: how long a forwarded cancel may take (connect, send, PostgreSQL's close); zero = no limit.</summary>
    public TimeSpan CancelWaitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public async ValueTask<EndPoint?> ResolveAsync()
    {
        if (IsUnixSocket)
            return new UnixDomainSocketEndPoint(Path.Combine(Host, $".s.PGSQL.{Port}"));
        if (IPAddress.TryParse(Host, out var ip))
            return new IPEndPoint(ip, Port);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(Host);
            return addresses.Length == 0 ? null : new IPEndPoint(addresses[0], Port);
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
