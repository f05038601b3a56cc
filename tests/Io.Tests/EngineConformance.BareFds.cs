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
}
