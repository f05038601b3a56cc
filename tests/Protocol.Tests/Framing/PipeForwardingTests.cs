// The documented forwarding loop over a real System.IO.Pipelines pipe: bytes arrive in odd chunks, nothing hangs,
// the output equals the input, and tracked frames are seen exactly once each.
using System.Buffers;
using System.IO.Pipelines;

namespace Pooler.Protocol.Tests.Framing;

public class PipeForwardingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ForwardLoop_RealPipeOddChunks_OutputEqualsInputAndFramesCounted(int maxChunk)
    {
        var input = Sequences.Write(w =>
        {
            for (int i = 0; i < 50; i++)
            {
                BackendMessages.WriteRowDescription(w, [ColumnDescription.Text("a")]);
                BackendMessages.WriteDataRow(w, [new string('x', i * 97)]);
                BackendMessages.WriteCommandComplete(w, "SELECT 1");
                BackendMessages.WriteReadyForQuery(w, i % 3 == 0 ? TransactionStatus.InTransaction : TransactionStatus.Idle);
            }
        });
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 64, pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false));
        var random = new Random(maxChunk);
        var producer = Task.Run(async () =>
        {
            for (int offset = 0; offset < input.Length;)
            {
                int n = Math.Min(random.Next(1, maxChunk + 1), input.Length - offset);
                await pipe.Writer.WriteAsync(input.AsMemory(offset, n));
                offset += n;
            }
            await pipe.Writer.CompleteAsync();
        });

        var scanner = new MessageScanner(MessageCodeSet.Of(BackendMessageCode.ReadyForQuery), 16);
        var output = new ArrayBufferWriter<byte>();
        int idle = 0, frames = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var result = await pipe.Reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            ScanResult r;
            while ((r = scanner.Scan(ref buffer)).Status is not (ScanStatus.NeedMoreData or ScanStatus.Error))
            {
                if (r.Status == ScanStatus.Frame)
                {
                    frames++;
                    Assert.True(ReadyForQueryMessage.TryParse(r.Frame.Body, out var status));
                    if (status == TransactionStatus.Idle) idle++;
                }
                foreach (var m in r.Bytes) output.Write(m.Span);
            }
            Assert.NotEqual(ScanStatus.Error, r.Status);
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty && !scanner.InMessage, "stream ended inside a message");
                break;
            }
        }
        await producer;
        Assert.Equal(input, output.WrittenSpan.ToArray());
        Assert.Equal(50, frames);
        Assert.Equal(33, idle);
    }
}
