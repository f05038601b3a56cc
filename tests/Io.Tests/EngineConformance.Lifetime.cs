// Conformance: local abort and engine disposal close what the engine owns, and the reasons are recorded.
using System.Net.Sockets;
using Pooler.Io.Interop;

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

    [ConformanceFact]
    public void Post_AfterEngineDisposed_WritesNothingIntoReusedFds()
    {
        // Regression: a post after the loop stopped used to "wake" the engine by writing 8 bytes (01 00 .. 00) to
        // its closed eventfd, i.e. into whatever socket had reused that fd number meanwhile (seen as cross-talk
        // in Connections_2000Concurrent_AllEcho of another backend running in parallel).
        Engine.Dispose();
        // fds are allocated lowest-first: these pairs take the numbers the engine just closed.
        var fds = new List<int>();
        for (int i = 0; i < 16; i++)
        {
            Sockets.SocketPair(Sockets.SOCK_STREAM, out int a, out int b).ThrowOnError("socketpair");
            fds.Add(a);
            fds.Add(b);
        }
        try
        {
            Engine.Post(static _ => { }, null);
            Engine.Post(static _ => { }, null);
            var polls = fds.Select(fd => new Libc.PollFd { Fd = fd, Events = Libc.POLLIN }).ToArray();
            var ready = Libc.Poll(polls, 0);
            Assert.True(ready.IsSuccess);
            Assert.Equal(0, ready.IntValue);
        }
        finally
        {
            foreach (var fd in fds) Libc.Close(fd);
        }
    }

    /// <summary>0 when the peer's close arrived (FIN or RST both mean "closed" here).</summary>
    private static int ReceiveOrReset(Socket socket)
    {
        try { return socket.Receive(new byte[1]); }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset) { return 0; }
    }
}
