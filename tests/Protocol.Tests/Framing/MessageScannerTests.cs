// Pass-through scanning: pieces of forwarded messages, whole delivery of chosen codes, state kept across reads.
using System.Buffers;

namespace Pooler.Protocol.Tests.Framing;

public class MessageScannerTests
{
    private static readonly MessageCodeSet Tracked = MessageCodeSet.Of(BackendMessageCode.ReadyForQuery, BackendMessageCode.ErrorResponse);

    private static byte[] DataRowOf(int valueLength) =>
        Sequences.Write(w => BackendMessages.WriteDataRow(w, [new string('x', valueLength)]));

    [Fact]
    public void Scan_ForwardedAndWholeMessages_AreTold()
    {
        var bytes = Sequences.Write(w =>
        {
            BackendMessages.WriteCommandComplete(w, "SELECT 1");
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.InTransaction);
        });
        var scanner = new MessageScanner(Tracked, 100);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var first = scanner.Scan(ref buffer);
        Assert.Equal(ScanStatus.MessageStart, first.Status);
        Assert.Equal((byte)'C', first.Code);
        Assert.True(first.EndsMessage);
        Assert.Equal(1 + first.Length, first.Bytes.Length);

        var second = scanner.Scan(ref buffer);
        Assert.Equal(ScanStatus.Frame, second.Status);
        Assert.True(ReadyForQueryMessage.TryParse(second.Frame.Body, out var status));
        Assert.Equal(TransactionStatus.InTransaction, status);

        Assert.Equal(ScanStatus.NeedMoreData, scanner.Scan(ref buffer).Status);
    }

    [Fact]
    public void Scan_LargeRowArrivingInChunks_StreamsPiecesWithoutWaitingForTheEnd()
    {
        var row = DataRowOf(100_000);
        var scanner = new MessageScanner(Tracked, 100);
        var forwarded = new ArrayBufferWriter<byte>();
        int offset = 0, pieces = 0;
        while (offset < row.Length)
        {
            int chunk = Math.Min(4096, row.Length - offset);
            var buffer = new ReadOnlySequence<byte>(row, offset, chunk);
            while (true)
            {
                var r = scanner.Scan(ref buffer);
                if (r.Status == ScanStatus.NeedMoreData) break;
                Assert.True(r.Status is ScanStatus.MessageStart or ScanStatus.Forward);
                Assert.Equal((byte)'D', r.Code);
                foreach (var m in r.Bytes) forwarded.Write(m.Span);
                pieces++;
            }
            offset += chunk;
        }
        Assert.Equal(row, forwarded.WrittenSpan.ToArray());
        Assert.False(scanner.InMessage);
        Assert.True(pieces > 20);
    }

    [Fact]
    public void Scan_PartialHeader_ConsumesNothing()
    {
        var scanner = new MessageScanner(Tracked, 100);
        var buffer = new ReadOnlySequence<byte>(new byte[] { (byte)'D', 0, 0 });
        Assert.Equal(ScanStatus.NeedMoreData, scanner.Scan(ref buffer).Status);
        Assert.Equal(3, buffer.Length);
    }

    [Fact]
    public void Scan_WholeCodeOverLimit_ErrorsAndStaysErrored()
    {
        var bytes = Sequences.Write(w => BackendMessages.WriteErrorResponse(w, ErrorFields.Fatal, SqlState.AdminShutdown, new string('m', 500)));
        var scanner = new MessageScanner(Tracked, 100);
        var buffer = new ReadOnlySequence<byte>(bytes, 0, 5);          // header only: the check must not wait for the body
        var r = scanner.Scan(ref buffer);
        Assert.Equal(ScanStatus.Error, r.Status);
        Assert.Equal(ProtocolErrorCode.FrameTooLarge, r.Error.Code);
        var again = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(ScanStatus.Error, scanner.Scan(ref again).Status);
        scanner.Reset();
        scanner.WholeCodes = MessageCodeSet.Of(BackendMessageCode.ReadyForQuery);
        Assert.Equal(ScanStatus.MessageStart, scanner.Scan(ref again).Status);
    }

    [Fact]
    public void Scan_WholeCodesChangedBetweenMessages_TakesEffectAtNextHeader()
    {
        var bytes = Sequences.Write(w =>
        {
            FrontendMessages.WriteParse(w, "s1", "select 1", ReadOnlySpan<uint>.Empty);
            FrontendMessages.WriteParse(w, "s2", "select 2", ReadOnlySpan<uint>.Empty);
        });
        var scanner = new MessageScanner(MessageCodeSet.Empty, 1000);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(ScanStatus.MessageStart, scanner.Scan(ref buffer).Status);
        scanner.WholeCodes = MessageCodeSet.Of(FrontendMessageCode.Parse);
        var r = scanner.Scan(ref buffer);
        Assert.Equal(ScanStatus.Frame, r.Status);
        Assert.True(ParseMessage.TryParse(r.Frame.Body, out var parse));
        Assert.Equal("s2", parse.StatementName);
    }

    [Fact]
    public void Scan_ZeroLengthBody_StartsAndEndsInOneStep()
    {
        var bytes = Sequences.Write(FrontendMessages.WriteSync);
        var scanner = new MessageScanner(MessageCodeSet.Empty, 0);
        var buffer = new ReadOnlySequence<byte>(bytes);
        var r = scanner.Scan(ref buffer);
        Assert.Equal(ScanStatus.MessageStart, r.Status);
        Assert.True(r.EndsMessage);
        Assert.Equal(5, r.Bytes.Length);
    }

    [Fact]
    public void Scan_HugeBindWithHeadLength_RenamesStatementWhileStreaming()
    {
        var values = new string?[] { new string('v', 200_000), null, "42" };
        var original = Sequences.Write(w => FrontendMessages.WriteBind(w, "portal", "client_stmt", values));
        var expected = Sequences.Write(w => FrontendMessages.WriteBind(w, "portal", "pooler_s1", values));
        var scanner = new MessageScanner(MessageCodeSet.Of(FrontendMessageCode.Bind), 1024) { LargeMessageHeadLength = 256 };
        var output = new ArrayBufferWriter<byte>();
        int offset = 0;
        bool sawHead = false;
        while (offset < original.Length)
        {
            int chunk = Math.Min(4096, original.Length - offset);
            var buffer = new ReadOnlySequence<byte>(original, offset, chunk);
            ScanResult r;
            while ((r = scanner.Scan(ref buffer)).Status != ScanStatus.NeedMoreData)
            {
                if (r.Status == ScanStatus.LargeMessageStart)
                {
                    sawHead = true;
                    Assert.Equal(5 + 256, r.Bytes.Length);
                    Assert.True(BindMessage.TryParse(r.Bytes.Slice(5), out var bind));
                    Assert.Equal("client_stmt", bind.StatementName);
                    int namesLength = (int)(r.Bytes.Length - 5 - bind.Parameters.Length);
                    FrontendMessages.WriteBindHeader(output, bind.PortalName, "pooler_s1", r.Length - 4 - namesLength);
                    foreach (var m in bind.Parameters) output.Write(m.Span);
                }
                else
                {
                    Assert.Equal(ScanStatus.Forward, r.Status);
                    foreach (var m in r.Bytes) output.Write(m.Span);
                }
            }
            offset += chunk;
        }
        Assert.True(sawHead);
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }
}
