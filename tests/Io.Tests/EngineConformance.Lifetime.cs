// Conformance: local abort and engine disposal close what the engine owns, and the reasons are recorded.
using System.Net.Sockets;

namespace Pooler.Io.Tests;

public abstract partial class EngineConformance
{
    [ConformanceFact]
    public async Task Abort_OpenConnection_PeerSeesCloseAndReasonRecorded()
    {
        using var listener = Engine.Listen(Loopback0);
        var acceptTask = Engine.RunAsync(async () => (await listener.AcceptAsync())!);
        using var client = ConnectBlocking(listener.LocalEndPoint);
        var server = await WithTimeout(acceptTask);
        server.Abort(ShutdownKind.Aborted);
        Assert.Equal(0, await OnThread(() => ReceiveOrReset(client)));
        Assert.Equal(ShutdownKind.Aborted, server.ShutdownReason);
    }

    [ConformanceFact]
    public async Task Dispose_EngineWithOpenConnectionAndListener_ClosesBoth()
    {
        using var listener = Engine.Listen(Loopback0);
        var acceptTask = Engine.RunAsync(async () => (await listener.AcceptAsync())!);
        using var client = ConnectBlocking(listener.LocalEndPoint);
        var server = await WithTimeout(acceptTask);
        var endPoint = listener.LocalEndPoint;
        Engine.Dispose();
        Assert.Equal(0, await OnThread(() => ReceiveOrReset(client)));
        Assert.Equal(ShutdownKind.EngineStopped, server.ShutdownReason);
        using var again = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var refused = Assert.Throws<SocketException>(() => again.Connect(endPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    /// <summary>0 when the peer's close arrived (FIN or RST both mean "closed" here).</summary>
    private static int ReceiveOrReset(Socket socket)
    {
        try { return socket.Receive(new byte[1]); }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset) { return 0; }
    }
}
