// Conformance: accept/connect over TCP and Unix sockets, echo sizes, many connections, half-close and reset.
using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Pooler.Io.Tests;

public abstract partial class EngineConformance
{
    [ConformanceFact]
    public async Task AcceptAsync_TcpClientConnects_BothEndsSeeEachOther()
    {
        using var listener = Engine.Listen(Loopback0);
        var port = ((IPEndPoint)listener.LocalEndPoint).Port;
        Assert.NotEqual(0, port);
        var acceptTask = Engine.RunAsync(async () => (await listener.AcceptAsync())!);
        var connect = await WithTimeout(Engine.ConnectAsync(listener.LocalEndPoint, Long).AsTask());
        Assert.Equal(ConnectStatus.Connected, connect.Status);
        var accepted = await WithTimeout(acceptTask);
        Assert.Equal(((IPEndPoint)connect.Connection!.LocalEndPoint!).Port, ((IPEndPoint)accepted.RemoteEndPoint!).Port);
        Assert.Equal(port, ((IPEndPoint)connect.Connection.RemoteEndPoint!).Port);
        await Engine.RunAsync(async () => { await accepted.DisposeAsync(); await connect.Connection.DisposeAsync(); });
    }

    [ConformanceFact]
    public async Task AcceptAsync_UnixClientConnects_DataFlowsBothWays()
    {
        var path = TempSocketPath();
        using var listener = Engine.Listen(new UnixDomainSocketEndPoint(path));
        Assert.True(File.Exists(path));
        _ = EchoServer.RunAsync(Engine, listener);
        var connect = await WithTimeout(Engine.ConnectAsync(new UnixDomainSocketEndPoint(path), Long).AsTask());
        Assert.Equal(ConnectStatus.Connected, connect.Status);
        var reply = await WithTimeout(Engine.RunAsync(() => RoundTripAsync(connect.Connection!, "hello over unix"u8.ToArray())));
        Assert.Equal("hello over unix"u8.ToArray(), reply);
        await Engine.RunAsync(async () => await connect.Connection!.DisposeAsync());
    }

    /// <summary>Writes a message and reads until the same number of bytes came back (on the loop thread).</summary>
    protected static async Task<byte[]> RoundTripAsync(IoConnection connection, byte[] message)
    {
        await connection.Output.WriteAsync(message);
        var received = new List<byte>();
        while (received.Count < message.Length)
        {
            var result = await connection.Input.ReadAsync();
            received.AddRange(result.Buffer.ToArray());
            connection.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        return received.ToArray();
    }

    [ConformanceFact]
    public async Task WaitReadable_BytesThenCancel_CallsBackOnLoopEachTime()
    {
        using var listener = Engine.Listen(Loopback0);
        var acceptTask = Engine.RunAsync(async () => (await listener.AcceptAsync())!);
        using var client = ConnectBlocking(listener.LocalEndPoint);
        var conn = await WithTimeout(acceptTask);

        // Bytes: the callback comes on the loop, and a TryRead then returns them.
        var woke = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Engine.Invoke(() => { conn.WaitReadable(s => woke.SetResult(Engine.IsOnLoopThread), null); return 0; });
        client.Send("ping"u8.ToArray());
        Assert.True(await WithTimeout(woke.Task));
        var text = await Engine.Invoke(() =>
        {
            Assert.True(conn.Input.TryRead(out var read));
            var s = System.Text.Encoding.ASCII.GetString(read.Buffer.ToArray());
            conn.Input.AdvanceTo(read.Buffer.End);
            return s;
        });
        Assert.Equal("ping", text);

        // Nothing sent: a CancelPendingRead (a session told to end) wakes the wait too.
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Engine.Invoke(() => { conn.WaitReadable(_ => cancelled.SetResult(), null); return 0; });
        conn.Input.CancelPendingRead();
        await WithTimeout(cancelled.Task);
        await Engine.RunAsync(async () => await conn.DisposeAsync());
    }

    [ConformanceFact]
    public async Task Echo_OneByte_ComesBack()
    {
        using var listener = Engine.Listen(Loopback0);
        _ = EchoServer.RunAsync(Engine, listener);
        using var client = ConnectBlocking(listener.LocalEndPoint);
        client.Send(new byte[] { 42 });
        Assert.Equal(new byte[] { 42 }, ReceiveExactly(client, 1));
    }

    [ConformanceFact]
    public async Task Echo_64MiB_ComesBackIntact()
    {
        const int Size = 64 * 1024 * 1024;
        using var listener = Engine.Listen(Loopback0);
        _ = EchoServer.RunAsync(Engine, listener);
        using var client = ConnectBlocking(listener.LocalEndPoint);
        var data = new byte[Size];
        for (int i = 0; i < Size; i++) data[i] = (byte)(i * 7 + (i >> 13));
        // Dedicated threads: blocking socket calls must not depend on thread-pool growth.
        var writer = OnThread(() => { SendAll(client, data); client.Shutdown(SocketShutdown.Send); return true; });
        var echoed = await WithTimeout(OnThread(() => ReceiveExactly(client, Size)), TimeSpan.FromSeconds(120));
        await writer;
        Assert.True(data.AsSpan().SequenceEqual(echoed), "echoed bytes differ");
        Assert.Equal(0, client.Receive(new byte[1])); // the server completed its output after our FIN
    }

    [ConformanceFact]
    public async Task Connections_2000Concurrent_AllEcho()
    {
        const int Count = 2000;
        using var listener = Engine.Listen(Loopback0);
        _ = EchoServer.RunAsync(Engine, listener);
        var replies = await WithTimeout(Engine.RunAsync(async () =>
        {
            var connections = new List<IoConnection>();
            for (int i = 0; i < Count; i++)
            {
                var result = await Engine.ConnectAsync(listener.LocalEndPoint, Long);
                Assert.Equal(ConnectStatus.Connected, result.Status);
                connections.Add(result.Connection!);
            }
            // All connections are open at once; each round-trips its own number.
            var trips = connections.Select((c, i) => RoundTripAsync(c, BitConverter.GetBytes(i))).ToArray();
            var all = await Task.WhenAll(trips);
            foreach (var c in connections) await c.DisposeAsync();
            return all;
        }), TimeSpan.FromSeconds(120));
        // Exactly its own four bytes: a stray write into a reused fd shows up as extra or foreign bytes here.
        for (int i = 0; i < Count; i++)
            Assert.True(replies[i].AsSpan().SequenceEqual(BitConverter.GetBytes(i)),
                $"connection {i} got {Convert.ToHexString(replies[i])}, expected {Convert.ToHexString(BitConverter.GetBytes(i))}");
    }

    [ConformanceFact]
    public async Task Input_PeerHalfCloses_CompletesWithoutErrorAndOutputStillWorks()
    {
        using var listener = Engine.Listen(Loopback0);
        var acceptTask = Engine.RunAsync(async () => (await listener.AcceptAsync())!);
        using var client = ConnectBlocking(listener.LocalEndPoint);
        var server = await WithTimeout(acceptTask);
        client.Send("abc"u8);
        client.Shutdown(SocketShutdown.Send);
        var received = await WithTimeout(Engine.RunAsync(async () =>
        {
            var bytes = new List<byte>();
            while (true)
            {
                var result = await server.Input.ReadAsync();
                bytes.AddRange(result.Buffer.ToArray());
                server.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            await server.Output.WriteAsync("bye"u8.ToArray());
            await server.Output.CompleteAsync();
            await server.Input.CompleteAsync();
            return bytes.ToArray();
        }));
        Assert.Equal("abc"u8.ToArray(), received);
        Assert.Equal(ShutdownKind.ReadEndOfStream, server.ShutdownReason);
        Assert.Equal("bye"u8.ToArray(), ReceiveExactly(client, 3));
        Assert.Equal(0, client.Receive(new byte[1]));
    }

    [ConformanceFact]
    public async Task Input_PeerResets_FailsAndRecordsReset()
    {
        using var listener = Engine.Listen(Loopback0);
        var acceptTask = Engine.RunAsync(async () => (await listener.AcceptAsync())!);
        var client = ConnectBlocking(listener.LocalEndPoint);
        var server = await WithTimeout(acceptTask);
        client.LingerState = new LingerOption(true, 0); // close with RST
        client.Close();
        var outcome = await WithTimeout(Engine.RunAsync(async () =>
        {
            try
            {
                while (true)
                {
                    var result = await server.Input.ReadAsync();
                    server.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted) return "completed";
                }
            }
            catch (IOException) { return "error"; }
            catch (SocketException) { return "error"; }
        }));
        Assert.Equal("error", outcome);
        Assert.Equal(ShutdownKind.ReadReset, server.ShutdownReason);
        await Engine.RunAsync(async () => await server.DisposeAsync());
    }
}
