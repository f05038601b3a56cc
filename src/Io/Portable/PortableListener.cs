// A listening .NET Socket for the portable backend; accepted sockets become SocketConnection-backed connections.
using System.Net;
using System.Net.Sockets;

namespace Pooler.Io;

internal sealed class PortableListener(PortableEngine engine, Socket socket) : IoListener, ILoopResource
{
    public override EndPoint LocalEndPoint { get; } = socket.LocalEndPoint!;

    public override async ValueTask<IoConnection?> AcceptAsync(CancellationToken ct = default)
    {
        try
        {
            var accepted = await socket.AcceptAsync(ct);
            return engine.Wrap(accepted, default);
        }
        catch (ObjectDisposedException) { return null; }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted) { return null; }
    }

    public void Shutdown() => socket.Dispose();

    public override void Dispose()
    {
        engine.Untrack(this);
        socket.Dispose();
        UnixSocketPath.Remove(LocalEndPoint);
    }
}
