// Property tests: any bytes, whole or split anywhere, give the same frames or the same documented error as a
// plain reference parser; readers never throw, always progress, and never ask the caller to hold more than the limit.
using System.Buffers;
using System.Buffers.Binary;
using CsCheck;

namespace Pooler.Protocol.Tests.Framing;

public class FramingPropertyTests
{
    private const int MaxBody = 48;
    private const long Iterations = 3000;

    private static readonly Gen<byte[]> OneFrame =
        Gen.Select(Gen.Byte[(byte)'0', (byte)'z'], Gen.Byte.Array[0, 60]).Select((code, body) =>
        {
            var frame = new byte[5 + body.Length];
            frame[0] = code;
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), 4 + body.Length);
            body.CopyTo(frame, 5);
            return frame;
        });

    private static readonly Gen<byte[]> Frames = OneFrame.Array[0, 6].Select(fs => fs.SelectMany(f => f).ToArray());

    /// <summary>Mostly well-formed streams, some with one byte changed, plus plain noise.</summary>
    private static readonly Gen<byte[]> Streams = Gen.OneOf(
        Gen.Byte.Array[0, 80],
        Frames,
        Gen.Select(Frames, Gen.Int[0, 10_000], Gen.Byte).Select((bytes, at, value) =>
        {
            if (bytes.Length > 0) bytes[at % bytes.Length] = value;
            return bytes;
        }));

    private static readonly Gen<int[]> Cuts = Gen.Int[0, 400].Array[0, 6];

    /// <summary>Outcome of parsing a stream: the frames (raw bytes), then how it ended.</summary>
    private sealed record Outcome(List<string> Frames, string End);

    /// <summary>The rules written the simplest way, over one array.</summary>
    private static Outcome Reference(byte[] data, Func<byte, bool> whole, int maxWhole, int maxForward, int largeHead = 0)
    {
        var frames = new List<string>();
        int pos = 0;
        while (true)
        {
            if (data.Length - pos < 5)
                return new(frames, $"need@{pos}");
            byte code = data[pos];
            int length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos + 1));
            if (length < 4)
                return new(frames, $"{ProtocolErrorCode.InvalidLength}@{pos}");
            bool streamedLarge = whole(code) && largeHead > 0 && length - 4 > maxWhole;
            bool held = whole(code) && !streamedLarge;
            int max = held ? maxWhole : maxForward;
            if (length - 4 > max)
                return new(frames, $"{ProtocolErrorCode.FrameTooLarge}@{pos}");
            if (held && data.Length - pos < 1L + length)
                return new(frames, $"need@{pos}");
            if (streamedLarge && data.Length - pos < 5L + Math.Min(length - 4, largeHead))
                return new(frames, $"need@{pos}");
            long end = Math.Min(data.Length, pos + 1L + length);
            frames.Add((held ? "W:" : "F:") + Convert.ToHexString(data, pos, (int)(end - pos)));
            if (end < pos + 1L + length)
                return new(frames, $"need@{end}");
            pos = (int)end;
        }
    }

    /// <summary>Feeds the stream to FrameReader as a pipe would: chunk by chunk, keeping what was not consumed.</summary>
    private static Outcome ReadFrames(byte[] data, int[] cuts)
    {
        var frames = new List<string>();
        var chunks = ChunkBounds(data.Length, cuts);
        byte[] pending = [];
        long consumedTotal = 0;
        foreach (var (start, end) in chunks)
        {
            pending = [.. pending, .. data.AsSpan(start, end - start)];
            var buffer = Sequences.Split(pending, cuts.Select(c => c % (pending.Length + 1)).ToArray());
            while (true)
            {
                long before = buffer.Length;
                var status = FrameReader.TryRead(ref buffer, MaxBody, out var frame, out var error);
                if (status == FrameReadStatus.Error)
                    return new(frames, $"{error.Code}@{consumedTotal + pending.Length - before}");
                if (status == FrameReadStatus.NeedMoreData)
                {
                    Assert.Equal(before, buffer.Length);
                    Assert.True(buffer.Length <= 5 + MaxBody, "asked to hold more than the limit");
                    break;
                }
                Assert.True(buffer.Length < before, "no progress");
                frames.Add("W:" + Convert.ToHexString(frame.Raw.ToArray()));
            }
            consumedTotal += pending.Length - buffer.Length;
            pending = buffer.ToArray();
        }
        return new(frames, $"need@{consumedTotal}");
    }

    private static List<(int Start, int End)> ChunkBounds(int length, int[] cuts)
    {
        var bounds = cuts.Select(c => c % (length + 1)).Append(0).Append(length).Distinct().Order().ToList();
        var chunks = new List<(int, int)>();
        for (int i = 0; i + 1 < bounds.Count; i++) chunks.Add((bounds[i], bounds[i + 1]));
        if (chunks.Count == 0) chunks.Add((0, 0));
        return chunks;
    }

    [Fact]
    public void FrameReader_AnyBytesAnySplit_MatchesReference()
    {
        Gen.Select(Streams, Cuts).Sample((data, cuts) =>
        {
            var expected = Reference(data, _ => true, MaxBody, MaxBody);
            var actual = ReadFrames(data, cuts);
            Assert.Equal(expected.Frames, actual.Frames);
            Assert.Equal(expected.End, actual.End);
        }, iter: Iterations, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void FrameReader_SmallStreamsSplitAtEveryOffsetPair_MatchesReference()
    {
        var data = Sequences.Write(w =>
        {
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
            BackendMessages.WriteCommandComplete(w, "SELECT 1");
            BackendMessages.WriteEmptyQueryResponse(w);
        }).Concat(new byte[] { (byte)'D', 0, 0 }).ToArray();
        var expected = Reference(data, _ => true, MaxBody, MaxBody);
        for (int i = 0; i <= data.Length; i++)
            for (int j = i; j <= data.Length; j++)
            {
                var actual = ReadFrames(data, [i, j]);
                Assert.Equal(expected.Frames, actual.Frames);
                Assert.Equal(expected.End, actual.End);
            }
    }

    /// <summary>Feeds the stream to a MessageScanner chunk by chunk; joins each message's pieces.</summary>
    private static Outcome Scan(byte[] data, int[] cuts, MessageCodeSet whole, int maxWhole, int maxForward, int largeHead = 0)
    {
        var scanner = new MessageScanner(whole, maxWhole, maxForward) { LargeMessageHeadLength = largeHead };
        var frames = new List<string>();
        var current = new List<byte>();
        byte[] pending = [];
        long consumedTotal = 0;
        foreach (var (start, end) in ChunkBounds(data.Length, cuts))
        {
            pending = [.. pending, .. data.AsSpan(start, end - start)];
            var buffer = Sequences.Split(pending, cuts.Select(c => c % (pending.Length + 1)).ToArray());
            while (true)
            {
                long before = buffer.Length;
                var r = scanner.Scan(ref buffer);
                long position = consumedTotal + pending.Length - before;
                if (r.Status == ScanStatus.Error)
                    return new(frames, $"{r.Error.Code}@{position}");
                if (r.Status == ScanStatus.NeedMoreData)
                {
                    Assert.Equal(before, buffer.Length);
                    Assert.True(buffer.Length <= 5 + Math.Max(maxWhole, largeHead) || buffer.Length < 5, "asked to hold more than the limit");
                    break;
                }
                Assert.True(buffer.Length < before, "no progress");
                Assert.Equal(r.Bytes.Length, before - buffer.Length);
                if (r.Status == ScanStatus.Frame)
                {
                    Assert.Empty(current);
                    frames.Add("W:" + Convert.ToHexString(r.Bytes.ToArray()));
                    continue;
                }
                if (r.Status == ScanStatus.LargeMessageStart)
                    Assert.True(r.Bytes.Length == 5 + Math.Min(r.Length - 4, largeHead) && r.Length - 4 > maxWhole);
                Assert.Equal(r.Status is ScanStatus.MessageStart or ScanStatus.LargeMessageStart, current.Count == 0);
                current.AddRange(r.Bytes.ToArray());
                if (r.EndsMessage)
                {
                    frames.Add("F:" + Convert.ToHexString(current.ToArray()));
                    current.Clear();
                }
            }
            consumedTotal += pending.Length - buffer.Length;
            pending = buffer.ToArray();
        }
        if (current.Count > 0)
            frames.Add("F:" + Convert.ToHexString(current.ToArray()));
        return new(frames, $"need@{consumedTotal}");
    }

    [Fact]
    public void MessageScanner_AnyBytesAnySplit_MatchesReference()
    {
        var whole = MessageCodeSet.Of(BackendMessageCode.ReadyForQuery, BackendMessageCode.ErrorResponse, BackendMessageCode.ParameterStatus)
            .With((byte)'1').With((byte)'a');
        Gen.Select(Streams, Cuts).Sample((data, cuts) =>
        {
            var expected = Reference(data, whole.Contains, 20, MaxBody);
            var actual = Scan(data, cuts, whole, 20, MaxBody);
            Assert.Equal(expected.Frames, actual.Frames);
            Assert.Equal(expected.End, actual.End);
        }, iter: Iterations, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void MessageScanner_LargeWholeMessagesStreamed_MatchesReference()
    {
        var whole = MessageCodeSet.Of(FrontendMessageCode.Bind, FrontendMessageCode.Parse).With((byte)'1').With((byte)'a').With((byte)'Z');
        Gen.Select(Streams, Cuts, Gen.Int[1, 30]).Sample((data, cuts, head) =>
        {
            var expected = Reference(data, whole.Contains, 10, MaxBody, head);
            var actual = Scan(data, cuts, whole, 10, MaxBody, head);
            Assert.Equal(expected.Frames, actual.Frames);
            Assert.Equal(expected.End, actual.End);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void MessageScanner_EveryCodeWhole_BehavesLikeFrameReader()
    {
        Gen.Select(Streams, Cuts).Sample((data, cuts) =>
        {
            var viaReader = ReadFrames(data, cuts);
            var viaScanner = Scan(data, cuts, MessageCodeSet.All, MaxBody, MaxBody);
            Assert.Equal(viaReader, viaScanner with { }, new OutcomeComparer());
        }, iter: 1000, threads: 1);
    }

    private sealed class OutcomeComparer : IEqualityComparer<Outcome>
    {
        public bool Equals(Outcome? x, Outcome? y) => x!.End == y!.End && x.Frames.SequenceEqual(y.Frames);
        public int GetHashCode(Outcome obj) => obj.End.GetHashCode();
    }

    /// <summary>StartupFrameReader fed chunk by chunk gives the same outcome as on one array.</summary>
    [Fact]
    public void StartupFrameReader_AnyBytesAnySplit_SameOutcomeAsWhole()
    {
        var startup = Sequences.Write(w => FrontendMessages.WriteStartupMessage(w, ProtocolVersions.V3_0, [new("user", "u"), new("database", "d")]));
        var startupLike = Gen.Select(Gen.Int[0, startup.Length - 1], Gen.Byte).Select((at, value) =>
        {
            var copy = (byte[])startup.Clone();
            copy[at] = value;
            return copy;
        });
        var inputs = Gen.OneOf(Gen.Byte.Array[0, 40], startupLike, Gen.Const(startup),
            Gen.Byte.Array[1, 300].Select(key => Sequences.Write(w => FrontendMessages.WriteCancelRequest(w, 7, key))));
        Gen.Select(inputs, Cuts).Sample((data, cuts) =>
        {
            var whole = ReadStartup(new ReadOnlySequence<byte>(data));
            var bytewise = ReadStartup(Sequences.Bytewise(data));
            var split = ReadStartup(Sequences.Split(data, cuts.Select(c => c % (data.Length + 1)).ToArray()));
            Assert.Equal(whole, bytewise);
            Assert.Equal(whole, split);
            // A prefix never yields a different frame: only NeedMoreData or the same error from the header.
            for (int n = 0; n < data.Length; n++)
            {
                var prefix = ReadStartup(Sequences.Split(data.AsSpan(0, n).ToArray(), cuts.Select(c => c % (n + 1)).ToArray()));
                Assert.True(prefix == "need" || prefix == whole || prefix.StartsWith("Frame:DirectTls") || whole.StartsWith("Error"), $"{prefix} vs {whole}");
            }
        }, iter: 1000, threads: 1);
    }

    private static string ReadStartup(ReadOnlySequence<byte> buffer)
    {
        long before = buffer.Length;
        var status = StartupFrameReader.TryRead(ref buffer, out var frame, out var error, maxBodyLength: 200);
        return status switch
        {
            FrameReadStatus.NeedMoreData => before == buffer.Length ? "need" : "need-but-consumed!",
            FrameReadStatus.Error => $"Error:{error.Code}",
            _ => $"Frame:{frame.Kind}:{frame.Code}:{Convert.ToHexString(frame.Raw.ToArray())}:{before - buffer.Length}",
        };
    }
}
