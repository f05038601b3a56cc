// CancelSender against a scripted listener: the exact CancelRequest bytes PostgreSQL expects.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Pooler.Io;
using Pooler.Protocol;
using Pooler.Servers;
using Serilog.Core;

namespace Pooler.Tests.Servers;

public sealed class CancelSenderTests
{
    [Fact(Timeout = 30_000)]
    public async Task SendAsync_ServerKey_WritesCancelRequestPacket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var engine = IoEngine.Create(EvBackend.Portable);
        engine.Start();
        var key = new BackendKeyDataMessage(4242, [1, 2, 3, 4]);

        var send = engine.RunAsync(() => CancelSender.SendAsync(engine, listener.LocalEndpoint, key, Logger.None));
        using var peer = await listener.AcceptSocketAsync();
        var packet = new byte[16];
        var got = 0;
        while (got < 16)
            got += await peer.ReceiveAsync(packet.AsMemory(got));
        peer.Close();
        await send;

        Assert.Equal(16, BinaryPrimitives.ReadInt32BigEndian(packet));
        Assert.Equal(80877102, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(4)));
        Assert.Equal(4242, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(8)));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, packet[12..]);
    }
}
