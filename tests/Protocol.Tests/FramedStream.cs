// Reads whole startup packets and frames from a Stream with the library's readers; writes with its writers.
using System.Buffers;

namespace Pooler.Protocol.Tests;

/// <summary>A test-side wrapper that turns a byte stream into protocol frames.</summary>
internal sealed class FramedStream(Stream stream)
{
    private byte[] _pending = [];

    public Stream Stream { get; set; } = stream;

    public async Task SendAsync(Action<ArrayBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        write(w);
        await Stream.WriteAsync(w.WrittenMemory);
        await Stream.FlushAsync();
    }

    public Task<StartupFrameKind> ReadStartupAsync(Action<StartupFrame> use) => ReadAsync(buffer =>
    {
        var status = StartupFrameReader.TryRead(ref buffer, out var frame, out var error);
        Assert.NotEqual(FrameReadStatus.Error, status);
        if (status == FrameReadStatus.NeedMoreData)
            return (false, buffer, default);
        use(frame);
        return (true, buffer, frame.Kind);
    });

    public Task<(byte Code, byte[] Body)> ReadFrameAsync() => ReadAsync(buffer =>
    {
        var status = FrameReader.TryRead(ref buffer, 1 << 20, out var frame, out var error);
        Assert.NotEqual(FrameReadStatus.Error, status);
        return status == FrameReadStatus.Frame ? (true, buffer, (frame.Code, frame.Body.ToArray())) : (false, buffer, default);
    });

    private async Task<T> ReadAsync<T>(Func<ReadOnlySequence<byte>, (bool Done, ReadOnlySequence<byte> Remaining, T Value)> tryRead)
    {
        var chunk = new byte[8192];
        while (true)
        {
            var (done, rest, value) = tryRead(new ReadOnlySequence<byte>(_pending));
            if (done)
            {
                _pending = rest.ToArray();
                return value;
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            int n = await Stream.ReadAsync(chunk, timeout.Token);
            if (n == 0)
                throw new EndOfStreamException();
            _pending = [.. _pending, .. chunk.AsSpan(0, n)];
        }
    }
}
