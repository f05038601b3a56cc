// The server-side work under test: echo sessions and two-hop proxy sessions, all on the loop thread.
using System.Buffers;
using System.IO.Pipelines;
using System.Net;

namespace Pooler.Io.Bench;

internal static class Sessions
{
    public static async Task AcceptLoopAsync(IoListener listener, Func<IoConnection, Task> session)
    {
        while (await listener.AcceptAsync() is { } connection) _ = session(connection);
    }

    public static async Task EchoAsync(IoConnection connection)
    {
        try
        {
            await PumpAsync(connection.Input, connection.Output);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public static async Task ProxyAsync(IoEngine engine, IoConnection client, EndPoint upstream)
    {
        var connect = await engine.ConnectAsync(upstream, TimeSpan.FromSeconds(5));
        if (connect.Connection is not { } server)
        {
            await client.DisposeAsync();
            return;
        }
        var up = PumpAsync(client.Input, server.Output);
        await PumpAsync(server.Input, client.Output);
        await up;
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    /// <summary>Copies until EOF, forwarding whatever arrived in one write (the pooler's pass-through shape).</summary>
    public static async Task PumpAsync(PipeReader from, PipeWriter to)
    {
        try
        {
            while (true)
            {
                var result = await from.ReadAsync();
                foreach (var segment in result.Buffer) to.Write(segment.Span);
                from.AdvanceTo(result.Buffer.End);
                var flush = await to.FlushAsync();
                if (result.IsCompleted || flush.IsCompleted) break;
            }
        }
        catch (IOException) { }
        await from.CompleteAsync();
        await to.CompleteAsync();
    }
}
