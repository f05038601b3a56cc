// The address column of a pg_hba.conf host line: all, samehost, samenet or a CIDR block.
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Pooler.Auth;

/// <summary>A parsed address column. Host names are not supported: matching must not wait for DNS.</summary>
internal sealed class HbaAddress
{
    private readonly HbaAddressKind _kind;
    private readonly byte[] _network = [];
    private readonly int _prefix;
    private readonly AddressFamily _family;

    private HbaAddress(HbaAddressKind kind, IPAddress? network = null, int prefix = 0)
    {
        _kind = kind;
        if (network is not null)
        {
            _network = network.GetAddressBytes();
            _family = network.AddressFamily;
            _prefix = prefix;
        }
    }

    public static readonly HbaAddress All = new(HbaAddressKind.All);

    /// <summary>Parses "all", "samehost", "samenet", "addr/len", or "addr" with a separate mask column.</summary>
    public static string? TryParse(string text, string? mask, out HbaAddress? address)
    {
        address = null;
        switch (text)
        {
            case "all":
                address = All;
                return null;
            case "samehost":
                address = new HbaAddress(HbaAddressKind.SameHost);
                return null;
            case "samenet":
                address = new HbaAddress(HbaAddressKind.SameNet);
                return null;
        }
        var slash = text.IndexOf('/');
        var ipText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(ipText, out var ip))
            return $"invalid IP address \"{text}\" (host names are not supported)";
        var bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int prefix;
        if (slash >= 0)
        {
            if (mask is not null)
                return "address with a CIDR mask must not have a separate mask column";
            if (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix) || prefix > bits)
                return $"invalid CIDR mask in address \"{text}\"";
        }
        else if (mask is not null)
        {
            if (!IPAddress.TryParse(mask, out var maskIp) || maskIp.AddressFamily != ip.AddressFamily || !TryPrefixOf(maskIp, out prefix))
                return $"invalid IP mask \"{mask}\"";
        }
        else
        {
            return $"IP address \"{text}\" needs a CIDR mask or a mask column";
        }
        address = new HbaAddress(HbaAddressKind.Network, ip, prefix);
        return null;
    }

    /// <summary>True when the mask column is needed: a bare IP address without "/len".</summary>
    public static bool NeedsMaskColumn(string text) =>
        text is not ("all" or "samehost" or "samenet") && !text.Contains('/') && IPAddress.TryParse(text, out _);

    public bool Matches(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6)
            client = client.MapToIPv4();
        switch (_kind)
        {
            case HbaAddressKind.All:
                return true;
            case HbaAddressKind.Network:
                return InNetwork(client, _network, _family, _prefix);
            case HbaAddressKind.SameHost:
                return IPAddress.IsLoopback(client) || LocalAddresses().Any(a => a.Address.Equals(client));
            default:
                return IPAddress.IsLoopback(client)
                    || LocalAddresses().Any(a => InNetwork(client, a.Address.GetAddressBytes(), a.Address.AddressFamily, a.PrefixLength));
        }
    }

    private static bool InNetwork(IPAddress client, byte[] network, AddressFamily family, int prefix)
    {
        if (client.AddressFamily != family)
            return false;
        var bytes = client.GetAddressBytes();
        for (var i = 0; i < bytes.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
            if ((bytes[i] & mask) != (network[i] & mask))
                return false;
        }
        return true;
    }

    private static bool TryPrefixOf(IPAddress mask, out int prefix)
    {
        prefix = 0;
        var seenZero = false;
        foreach (var b in mask.GetAddressBytes())
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                if ((b & (1 << bit)) != 0)
                {
                    if (seenZero)
                        return false;
                    prefix++;
                }
                else
                {
                    seenZero = true;
                }
            }
        }
        return true;
    }

    private static IEnumerable<UnicastIPAddressInformation> LocalAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    private enum HbaAddressKind
    {
        All,
        SameHost,
        SameNet,
        Network,
    }
}
