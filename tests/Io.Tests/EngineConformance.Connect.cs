// Conformance: connect failures as values (refused, timed out, canceled).
using System.Net;
using System.Net.Sockets;

namespace Pooler.Io.Tests;

public abstract partial class EngineConformance
{
    [ConformanceFact]
    public async Task ConnectAsync_NoTcpListener_Refused()
    {
        var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(Loopback0);
        var ep = probe.LocalEndPoint!;
        probe.Dispose(); // bound once, now closed: nothing listens on that port
        var result = await WithTimeout(Engine.ConnectAsync(ep, Long).AsTask());
        Assert.Equal(ConnectStatus.Refused, result.Status);
        Assert.Null(result.Connection);
    }

    [ConformanceFact]
    public async Task ConnectAsync_NoUnixSocketFile_Refused()
    {
        var result = await WithTimeout(Engine.ConnectAsync(new UnixDomainSocketEndPoint(TempSocketPath()), Long).AsTask());
        Assert.Equal(ConnectStatus.Refused, result.Status);
    }

    [ConformanceFact]
    public async Task ConnectAsync_ListenerBacklogSaturated_TimesOut()
    {
        // A listener that never accepts, with the smallest backlog: once its accept queue is full, Linux drops
        // further SYNs, so a connect stays pending on loopback and only our timeout can end it.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(Loopback0);
        full.Listen(0);
        var held = new List<IoConnection>();
        var statuses = new List<ConnectStatus>();
        for (int i = 0; i < 16 && !statuses.Contains(ConnectStatus.TimedOut); i++)
        {
            var result = await WithTimeout(Engine.ConnectAsync(full.LocalEndPoint!, TimeSpan.FromMilliseconds(300)).AsTask());
            statuses.Add(result.Status);
            if (result.Connection is { } c) held.Add(c);
        }
        Assert.Contains(ConnectStatus.TimedOut, statuses);
        await Engine.RunAsync(async () => { foreach (var c in held) await c.DisposeAsync(); });
    }

    [ConformanceFact]
    public async Task ConnectAsync_Canceled_ReturnsCanceled()
    {
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(Loopback0);
        full.Listen(0);
        var held = new List<IoConnection>();
        ConnectStatus last = ConnectStatus.Connected;
        for (int i = 0; i < 16 && last == ConnectStatus.Connected; i++)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var result = await WithTimeout(Engine.ConnectAsync(full.LocalEndPoint!, Long, cts.Token).AsTask());
            last = result.Status;
            if (result.Connection is { } c) held.Add(c);
        }
        Assert.Equal(ConnectStatus.Canceled, last);
        await Engine.RunAsync(async () => { foreach (var c in held) await c.DisposeAsync(); });
    }
}
