// The epoll and io_uring connections rent pipes only while bytes are buffered: checks that an idle connection
// holds none after traffic, and that unconsumed bytes keep theirs (issue 4: <= 1 KiB per idle connection).
using System.Net.Sockets;

namespace Pooler.Io.Tests;

public sealed class PipeRentalTests
{
    public static TheoryData<EvBackend> Backends()
    {
        var data = new TheoryData<EvBackend> { EvBackend.Epoll };
        if (IoUringEngine.Probe(out _)) data.Add(EvBackend.IoUring);
        return data;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task RoundTrip_ThenIdle_ConnectionHoldsNoPipe(EvBackend backend)
    {
        using var engine = IoEngine.Create(backend);
        engine.Start();
        using var listener = engine.Listen(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var acceptTask = engine.RunAsync(async () => (await listener.AcceptAsync())!);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
        client.Connect(listener.LocalEndPoint);
        var server = (FdConnection)await acceptTask.WaitAsync(TimeSpan.FromSeconds(30));

        client.Send("abcdef"u8);
        bool whileBuffered = await engine.RunAsync(async () =>
        {
            // Examine without consuming: the bytes stay buffered, so the input pipe stays rented.
            var result = await server.Input.ReadAtLeastAsync(6);
            server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            return server.InputPipe is not null;
        }).WaitAsync(TimeSpan.FromSeconds(30));
        client.Send("gh"u8);
        var held = await engine.RunAsync(async () =>
        {
            var result = await server.Input.ReadAtLeastAsync(8);
            int length = (int)result.Buffer.Length;
            server.Input.AdvanceTo(result.Buffer.End);
            bool afterConsume = server.InputPipe is not null;
            await server.Output.WriteAsync(new byte[length]);
            return afterConsume;
        }).WaitAsync(TimeSpan.FromSeconds(30));
        var echoed = new byte[8];
        int got = 0;
        while (got < 8) got += client.Receive(echoed, got, 8 - got, SocketFlags.None);
        // io_uring sends complete in the loop's next turn (the kernel reads the pipe's memory until then), so look
        // once the peer has the bytes: the completion was posted before they arrived and is handled before this.
        bool afterSend = await engine.Invoke(() => server.OutputBuffer is not null).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(whileBuffered, "unconsumed bytes must keep the input pipe");
        Assert.False(held, "the input pipe must go back to the pool once everything was consumed");
        Assert.False(afterSend, "the send buffer must go back to the pool once everything was sent");
        await engine.RunAsync(async () => await server.DisposeAsync());
    }
}
