// Where -h/-p point: a unix socket file in a directory (libpq's ".s.PGSQL.PORT"), an IP, or a resolved name.
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Pooler.Bench;

public static class BenchEndPoint
{
    /// <summary>The endpoint for the options, or null and why not (name resolution failed).</summary>
    public static async Task<(EndPoint? EndPoint, string? Error)> ResolveAsync(BenchOptions o, CancellationToken ct)
    {
        if (o.IsUnixSocket)
            return (new UnixDomainSocketEndPoint(Path.Combine(o.Host, ".s.PGSQL." + o.Port.ToString(CultureInfo.InvariantCulture))), null);
        if (IPAddress.TryParse(o.Host, out var ip))
            return (new IPEndPoint(ip, o.Port), null);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(o.Host, ct);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null ? (null, $"could not resolve host \"{o.Host}\"") : (new IPEndPoint(chosen, o.Port), null);
        }
        catch (SocketException e)
        {
            return (null, $"could not resolve host \"{o.Host}\": {e.Message}");
        }
    }
}
