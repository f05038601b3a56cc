// Test helper: accepts on an engine listener and echoes every connection, all on the loop thread.
using System.Buffers;

namespace Pooler.Io.Tests;

internal static class EchoServer
{
    /// <summary>Accept loop; returns when the listener is disposed.</summary>
    public static Task RunAsync(IoEngine engine, IoListener listener) => engine.RunAsync(async () =>
    {
        while (await listener.AcceptAsync() is { } connection) _ = EchoAsync(connection);
    });

    public static async Task EchoAsync(IoConnection connection)
    {
        try
        {
            while (true)
            {
                var result = await connection.Input.ReadAsync();
                foreach (var segment in result.Buffer) connection.Output.Write(segment.Span);
                connection.Input.AdvanceTo(result.Buffer.End);
                var flush = await connection.Output.FlushAsync();
                if (result.IsCompleted || flush.IsCompleted) break;
            }
        }
        catch (IOException) { }
        await connection.Input.CompleteAsync();
        await connection.Output.CompleteAsync();
    }
}
