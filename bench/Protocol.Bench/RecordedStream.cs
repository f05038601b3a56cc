// Loads a recorded conversation from the test data and cuts it into pipe-sized segments.
using System.Buffers;

namespace Pooler.Protocol.Bench;

internal static class RecordedStream
{
    /// <summary>Reads tests/Protocol.Tests/Data/captures/NAME, found by walking up from the working directory.</summary>
    public static byte[] Load(string name)
    {
        var dir = new DirectoryInfo(Environment.CurrentDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pooler.sln")))
            dir = dir.Parent;
        if (dir is null)
            throw new InvalidOperationException("run from inside the repository");
        return File.ReadAllBytes(Path.Combine(dir.FullName, "tests", "Protocol.Tests", "Data", "captures", name));
    }

    /// <summary>
    /// The typed-message part of a recorded connection: the client's startup packets (SSLRequest, StartupMessage) and
    /// the server's one-byte answer to SSLRequest are cut off, as the pooler's scanner starts after them.
    /// </summary>
    public static (byte[] Client, byte[] Server) LoadTyped(string scenario)
    {
        var client = Load(scenario + ".client.bin");
        var server = Load(scenario + ".server.bin");
        var buffer = new ReadOnlySequence<byte>(client);
        bool ssl = false;
        while (StartupFrameReader.TryRead(ref buffer, out var frame, out _) == FrameReadStatus.Frame)
        {
            if (frame.Kind != StartupFrameKind.SslRequest)
                break;
            ssl = true;
        }
        return (buffer.ToArray(), ssl ? server[1..] : server);
    }

    /// <summary>A sequence of fixed-size segments, as a Pipe hands them over (its default segment is 4 KiB).</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        Segment? first = null, last = null;
        for (int offset = 0; offset < data.Length; offset += segmentSize)
        {
            var memory = data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset));
            last = new Segment(memory, last);
            first ??= last;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
