// Picks a TCP port on 127.0.0.1 that nothing listens on right now.
using System.Net;
using System.Net.Sockets;

namespace Pooler.TestSupport;

public static class FreePort
{
    /// <summary>Asks the kernel for an ephemeral port and releases it. Another process may take it before the
    /// caller binds, so callers that can detect "address in use" should retry with a new port.</summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
