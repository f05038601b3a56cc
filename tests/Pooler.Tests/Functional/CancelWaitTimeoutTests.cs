// cancel_wait_timeout: a forwarded cancel whose host never finishes with it is abandoned in time and logged once.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pooler.Io;
using Pooler.Protocol;
using Pooler.Servers;
using Serilog;

namespace Pooler.Tests.Functional;

public sealed class CancelWaitTimeoutTests
{
    [Fact(Timeout = 30_000)]
    public async Task SendAsync_HostNeverCloses_TimedOutAfterCancelWaitTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var engine = IoEngine.Create(EvBackend.Auto);
        engine.Start();
        var sink = new CollectingSink();
        var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        var key = new BackendKeyDataMessage(4242, [1, 2, 3, 4]);
        var clock = Stopwatch.StartNew();

        var send = engine.RunAsync(() => CancelSender.SendAsync(engine, listener.LocalEndpoint, key, log, TimeSpan.FromMilliseconds(500)));
        using var peer = await listener.AcceptSocketAsync();

        Assert.Equal(CancelSendStatus.TimedOut, await send);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"gave up after {clock.Elapsed}");
        Assert.Single(sink.Lines, l => l.Contains("cancel_wait_timeout", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task SendAsync_HostClosesAfterRequest_Sent()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var engine = IoEngine.Create(EvBackend.Auto);
        engine.Start();
        var key = new BackendKeyDataMessage(4242, [1, 2, 3, 4]);

        var send = engine.RunAsync(() => CancelSender.SendAsync(engine, listener.LocalEndpoint, key, Serilog.Core.Logger.None, TimeSpan.FromSeconds(10)));
        using (var peer = await listener.AcceptSocketAsync())
        {
            var packet = new byte[16];
            var got = 0;
            while (got < 16)
                got += await peer.ReceiveAsync(packet.AsMemory(got));
        }

        Assert.Equal(CancelSendStatus.Sent, await send);
    }
}
