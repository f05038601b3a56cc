// Splits a recorded connection into its messages, the way the pooler would see them: startup packets, then frames.
using System.Buffers;

namespace Pooler.Protocol.Tests.Capture;

/// <summary>One message of a recorded conversation.</summary>
internal sealed record CapturedMessage(bool FromClient, byte Code, byte[] Raw, StartupFrameKind? StartupKind, int StartupCode)
{
    public ReadOnlySequence<byte> Body => new(Raw, StartupKind is null ? 5 : 8, Raw.Length - (StartupKind is null ? 5 : 8));
}

internal static class CapturedConversation
{
    /// <summary>The client's messages, then the server's; a leading 'N'/'S' answer to SSLRequest is dropped.</summary>
    public static (List<CapturedMessage> Client, List<CapturedMessage> Server) Split(byte[] fromClient, byte[] fromServer)
    {
        var client = new List<CapturedMessage>();
        var buffer = new ReadOnlySequence<byte>(fromClient);
        bool sslAsked = false;
        while (true)
        {
            var status = StartupFrameReader.TryRead(ref buffer, out var frame, out var error);
            Assert.True(status == FrameReadStatus.Frame, $"client startup: {status} {error}");
            client.Add(new CapturedMessage(true, 0, frame.Raw.ToArray(), frame.Kind, frame.Code));
            if (frame.Kind == StartupFrameKind.SslRequest)
            {
                sslAsked = true;
                continue;
            }
            break;
        }
        client.AddRange(ReadTyped(buffer, true));
        var server = new ReadOnlySequence<byte>(fromServer);
        if (sslAsked && !server.IsEmpty)
        {
            Assert.Equal((byte)'N', server.First.Span[0]);
            server = server.Slice(1);
        }
        return (client, ReadTyped(server, false));
    }

    private static List<CapturedMessage> ReadTyped(ReadOnlySequence<byte> buffer, bool fromClient)
    {
        var list = new List<CapturedMessage>();
        while (FrameReader.TryRead(ref buffer, int.MaxValue - 4, out var frame, out _) == FrameReadStatus.Frame)
            list.Add(new CapturedMessage(fromClient, frame.Code, frame.Raw.ToArray(), null, 0));
        Assert.True(buffer.IsEmpty, "capture ends inside a frame");
        return list;
    }
}
