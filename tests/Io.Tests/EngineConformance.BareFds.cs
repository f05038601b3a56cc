// Conformance: bare accepted fds (AcceptFdAsync, TryReceive, TrySend) and TCP_DEFER_ACCEPT, as the supervisor uses them.
using System.Text;

namespace Pooler.Io.Tests;

public abstract partial class EngineConformance
{
    private bool HasBareFds => Engine.BackendName != "portable";

    [ConformanceFact]
    public async Task AcceptFdAsync_DeferAccept_SilentClientWaitsBehindOneThatSpoke()
    {
        using var listener = Engine.Listen(Loopback0);
        if (!HasBareFds)
        {
            Assert.False(listener.TrySetDeferAccept(5));
            await Assert.ThrowsAsync<NotSupportedException>(() => listener.AcceptFdAsync().AsTask());
            return;
        }
        Assert.True(listener.TrySetDeferAccept(5));
        using var silent = ConnectBlocking(listener.LocalEndPoint);
        using var speaker = ConnectBlocking(listener.LocalEndPoint);
        speaker.Send("startup"u8);

        // Without deferral the silent client, first in the queue, would come out first with nothing to read.
        var fd = await WithTimeout(Engine.RunAsync(async () => await listener.AcceptFdAsync()));
        try
        {
            var buffer = new byte[16];
            Assert.Equal(FdReadStatus.Read, IoEngine.TryReceive(fd, buffer, out var count));
            Assert.Equal("startup", Encoding.ASCII.GetString(buffer, 0, count));
            Assert.Equal(FdReadStatus.WouldBlock, IoEngine.TryReceive(fd, buffer, out _));
            Assert.True(IoEngine.TrySend(fd, "N"u8));
            Assert.Equal("N", Encoding.ASCII.GetString(ReceiveExactly(speaker, 1)));
        }
        finally
        {
            IoEngine.CloseFd(fd);
        }
    }

    [ConformanceFact]
    public async Task AdoptListener_ReusePortGroup_KernelSpreadsConnectionsOverBoth()
    {
        var first = IoEngine.OpenReusePortListener(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), 64, 0, out var bound);
        var second = IoEngine.OpenReusePortListener(bound, 64, 0, out var bound2);
        Assert.Equal(bound.Port, bound2.Port);
        if (!HasBareFds)
        {
            Assert.Throws<NotSupportedException>(() => Engine.AdoptListener(first));
            IoEngine.CloseFd(first);
            IoEngine.CloseFd(second);
            return;
        }
        using var a = Engine.AdoptListener(first);
        using var b = Engine.AdoptListener(second);
        Assert.Equal(bound, a.LocalEndPoint);
        const int clients = 32;
        var sockets = Enumerable.Range(0, clients).Select(_ => ConnectBlocking(bound)).ToList();
        try
        {
            var counts = new int[2];
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task Drain(IoListener listener, int index)
            {
                while (await listener.AcceptAsync() is { } conn)
                {
                    counts[index]++;
                    conn.Abort(ShutdownKind.Aborted);
                    if (counts[0] + counts[1] == clients)
                        all.TrySetResult();
                }
            }
            await WithTimeout(Engine.RunAsync(() =>
            {
                _ = Drain(a, 0);
                _ = Drain(b, 1);
                return all.Task;
            }));
            // Source ports are hashed: 32 connections all landing on one socket would be a 1 in 2^31 chance.
            Assert.True(counts[0] > 0 && counts[1] > 0, $"accepted {counts[0]} and {counts[1]}");
        }
        finally
        {
            foreach (var socket in sockets)
                socket.Dispose();
        }
    }
}
