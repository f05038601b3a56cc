// Typed-message framing: whole frames, partial input, length checks before the body arrives.
using System.Buffers;

namespace Pooler.Protocol.Tests.Framing;

public class FrameReaderTests
{
    private static readonly byte[] TwoFrames = Sequences.Write(w =>
    {
        BackendMessages.WriteParameterStatus(w, "client_encoding", "UTF8");
        BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
    });

    [Fact]
    public void TryRead_TwoWholeFrames_ReadsBothAndStopsAtEnd()
    {
        var buffer = new ReadOnlySequence<byte>(TwoFrames);
        Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(ref buffer, 1000, out var first, out _));
        Assert.Equal((byte)'S', first.Code);
        Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(ref buffer, 1000, out var second, out _));
        Assert.Equal(BackendMessageCode.ReadyForQuery, second.BackendCode);
        Assert.Equal(5, second.Length);
        Assert.True(ReadyForQueryMessage.TryParse(second.Body, out var status));
        Assert.Equal(TransactionStatus.Idle, status);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(FrameReadStatus.NeedMoreData, FrameReader.TryRead(ref buffer, 1000, out _, out _));
    }

    [Fact]
    public void TryRead_EveryPrefix_NeedsMoreDataAndConsumesNothing()
    {
        for (int n = 0; n < TwoFrames.Length; n++)
        {
            var bytes = TwoFrames.AsSpan(0, n).ToArray();
            var buffer = Sequences.Bytewise(bytes);
            var status = FrameReader.TryRead(ref buffer, 1000, out var frame, out _);
            if (n < TwoFrames.Length - 6)
            {
                Assert.Equal(FrameReadStatus.NeedMoreData, status);
                Assert.Equal(n, buffer.Length);
            }
            else
                Assert.Equal(FrameReadStatus.Frame, status);
        }
    }

    [Fact]
    public void TryRead_DeclaredLengthOverMax_ErrorsBeforeBodyArrives()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { (byte)'D', 0, 0, 0x10, 0 });   // 4096 declared, no body yet
        Assert.Equal(FrameReadStatus.Error, FrameReader.TryRead(ref buffer, 1000, out _, out var error));
        Assert.Equal(ProtocolErrorCode.FrameTooLarge, error.Code);
        Assert.Equal(SqlState.ProtocolViolation, error.SqlState);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-1)]
    public void TryRead_LengthBelowFour_ErrorsInvalidLength(int length)
    {
        var bytes = new byte[] { (byte)'Z', (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length };
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Error, FrameReader.TryRead(ref buffer, 1000, out _, out var error));
        Assert.Equal(ProtocolErrorCode.InvalidLength, error.Code);
        Assert.Equal(5, buffer.Length);
    }

    [Fact]
    public void TryRead_FrameSplitAcrossSegments_RawMatchesInput()
    {
        var buffer = Sequences.Split(TwoFrames, 1, 3, 7, 20);
        Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(ref buffer, 1000, out var frame, out _));
        Assert.Equal(TwoFrames.AsSpan(0, (int)frame.Raw.Length).ToArray(), frame.Raw.ToArray());
        Assert.True(ParameterStatusMessage.TryParse(frame.Body, out var ps));
        Assert.Equal(new ParameterStatusMessage("client_encoding", "UTF8"), ps);
    }
}
