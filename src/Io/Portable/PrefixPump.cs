// For an adopted connection on the portable backend: delivers the bytes another process already read, then
// copies the socket's own input behind them (SocketConnection cannot be given a prefix).
using System.Buffers;
using System.IO.Pipelines;

namespace Pooler.Io;

internal static class PrefixPump
{
    public static PipeReader Start(IoEngine engine, ReadOnlyMemory<byte> prefix, PipeReader source)
    {
        var pipe = new Pipe(engine.ReceivePipeOptions);
        pipe.Writer.Write(prefix.Span);
        engine.Post(static s =>
        {
            var (p, src) = ((Pipe, PipeReader))s!;
            _ = PumpAsync(p.Writer, src);
        }, (pipe, source));
        return pipe.Reader;
    }

    private static async Task PumpAsync(PipeWriter target, PipeReader source)
    {
        Exception? error = null;
        try
        {
            if ((await target.FlushAsync()).IsCompleted) return;
            while (true)
            {
                var result = await source.ReadAsync();
                foreach (var segment in result.Buffer) target.Write(segment.Span);
                source.AdvanceTo(result.Buffer.End);
                if ((await target.FlushAsync()).IsCompleted || result.IsCompleted) break;
            }
        }
        catch (Exception ex) { error = ex; }
        finally
        {
            await source.CompleteAsync(error);
            await target.CompleteAsync(error);
        }
    }
}
