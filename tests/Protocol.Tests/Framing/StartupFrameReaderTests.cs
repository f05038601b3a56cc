// Startup-phase packets: StartupMessage 3.0/3.2, SSL/GSSENC requests, cancel keys, and PostgreSQL's layout rules.
using System.Buffers;

namespace Pooler.Protocol.Tests.Framing;

public class StartupFrameReaderTests
{
    private static readonly KeyValuePair<string, string>[] Params =
    [
        new("user", "alice"), new("database", "app"), new("application_name", "psql"), new("options", "-c geqo=off"),
    ];

    [Theory]
    [InlineData(ProtocolVersions.V3_0)]
    [InlineData(ProtocolVersions.V3_2)]
    public void TryRead_StartupMessage_DecodesParametersInOrder(int version)
    {
        var bytes = Sequences.Write(w => FrontendMessages.WriteStartupMessage(w, version, Params));
        var buffer = Sequences.Split(bytes, 2, 9);
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var frame, out _));
        Assert.Equal(StartupFrameKind.StartupMessage, frame.Kind);
        Assert.Equal(version, frame.ProtocolVersion);
        Assert.True(StartupMessage.TryParse(frame, out var startup, out _));
        Assert.Equal(Params, startup.Parameters);
        Assert.Equal("alice", startup.User);
        Assert.Equal("app", startup.EffectiveDatabase);
        Assert.Equal("psql", startup.ApplicationName);
        Assert.Equal("-c geqo=off", startup.Options);
        Assert.Null(startup.Replication);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_SslThenStartup_ReadsOneAtATime()
    {
        var bytes = Sequences.Write(w =>
        {
            FrontendMessages.WriteSslRequest(w);
            FrontendMessages.WriteStartupMessage(w, ProtocolVersions.V3_0, Params);
        });
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var ssl, out _));
        Assert.Equal(StartupFrameKind.SslRequest, ssl.Kind);
        Assert.Equal(bytes.Length - 8, buffer.Length);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(32)]
    [InlineData(256)]
    public void TryRead_CancelRequest_ReadsKeyOfAnyAllowedLength(int keyLength)
    {
        var key = Enumerable.Range(0, keyLength).Select(i => (byte)i).ToArray();
        var bytes = Sequences.Write(w => FrontendMessages.WriteCancelRequest(w, 4242, key));
        var buffer = Sequences.Bytewise(bytes);
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var frame, out _));
        Assert.Equal(StartupFrameKind.CancelRequest, frame.Kind);
        Assert.True(CancelRequestMessage.TryParse(frame, out var cancel));
        Assert.Equal(4242, cancel.ProcessId);
        Assert.Equal(key, cancel.SecretKey);
    }

    [Fact]
    public void TryRead_CancelKeyOver256_ErrorsInvalidCancelRequest()
    {
        var bytes = Sequences.Write(w => FrontendMessages.WriteCancelRequest(w, 1, new byte[257]));
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Error, StartupFrameReader.TryRead(ref buffer, out _, out var error));
        Assert.Equal(ProtocolErrorCode.InvalidCancelRequest, error.Code);
    }

    [Fact]
    public void TryRead_GssEncRequest_IsRecognised()
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Write(FrontendMessages.WriteGssEncRequest));
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var frame, out _));
        Assert.Equal(StartupFrameKind.GssEncRequest, frame.Kind);
    }

    [Fact]
    public void TryRead_Version2_ErrorsUnsupportedWith0A000()
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Write(w => FrontendMessages.WriteStartupMessage(w, 2 << 16, Params)));
        Assert.Equal(FrameReadStatus.Error, StartupFrameReader.TryRead(ref buffer, out _, out var error));
        Assert.Equal(ProtocolErrorCode.UnsupportedProtocolVersion, error.Code);
        Assert.Equal(SqlState.FeatureNotSupported, error.SqlState);
    }

    [Fact]
    public void TryRead_LengthOverLimit_ErrorsFromHeaderAlone()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0x27, 0x16 });   // 10006: body 10002 > 10000
        Assert.Equal(FrameReadStatus.Error, StartupFrameReader.TryRead(ref buffer, out _, out var error));
        Assert.Equal(ProtocolErrorCode.FrameTooLarge, error.Code);
    }

    [Fact]
    public void TryRead_ConfiguredLimit_IsHonoured()
    {
        var bytes = Sequences.Write(w => FrontendMessages.WriteStartupMessage(w, ProtocolVersions.V3_0, Params));
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Error, StartupFrameReader.TryRead(ref buffer, out _, out var error, maxBodyLength: 20));
        Assert.Equal(ProtocolErrorCode.FrameTooLarge, error.Code);
    }

    [Theory]
    [InlineData(new byte[] { })]                                 // no terminator at all
    [InlineData(new byte[] { (byte)'u', 0 })]                    // name without value
    [InlineData(new byte[] { (byte)'u', 0, (byte)'v', 0 })]      // pairs but no final terminator
    [InlineData(new byte[] { 0, 0 })]                            // bytes after the terminator
    [InlineData(new byte[] { (byte)'u', 0, (byte)'v' })]         // value not terminated
    public void TryRead_BadParameterLayout_ErrorsInvalidStartupPacket(byte[] body)
    {
        var bytes = new byte[8 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, bytes.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), ProtocolVersions.V3_0);
        body.CopyTo(bytes, 8);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Error, StartupFrameReader.TryRead(ref buffer, out _, out var error));
        Assert.Equal(ProtocolErrorCode.InvalidStartupPacket, error.Code);
    }

    [Fact]
    public void TryRead_EmptyParameterList_IsValid()
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Write(w => FrontendMessages.WriteStartupMessage(w, ProtocolVersions.V3_0, [])));
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var frame, out _));
        Assert.True(StartupMessage.TryParse(frame, out var startup, out _));
        Assert.Empty(startup.Parameters);
        Assert.Null(startup.User);
    }

    [Fact]
    public void TryRead_TlsClientHello_ReportsDirectTlsWithoutConsuming()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 });
        Assert.Equal(FrameReadStatus.Frame, StartupFrameReader.TryRead(ref buffer, out var frame, out _));
        Assert.Equal(StartupFrameKind.DirectTls, frame.Kind);
        Assert.Equal(5, buffer.Length);
    }
}
