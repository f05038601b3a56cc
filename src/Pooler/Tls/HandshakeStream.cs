// The raw connection as a Stream for SslStream, able to move the handshake's CPU work off the loop thread.
using Pipelines.Sockets.Unofficial;
using Pooler.Io;

namespace Pooler.Tls;

/// <summary>
/// Wraps StreamConnection's stream over the IoConnection pipes. Pipe continuations run on the loop thread, so without
/// help the handshake's key exchange and signature would run there too and stall every other session. While
/// <see cref="OffLoop"/> is set each completed read or write hops to the thread pool first. After the handshake the
/// flag is cleared and record encryption stays on the loop thread (cheap, and no thread hop per message).
/// The connection's pipes belong to the loop thread (the epoll/io_uring façades rent pipes from a per-loop pool
/// without locks), so a call SslStream makes from the thread pool is carried onto the loop before it touches them.
/// </summary>
internal sealed class HandshakeStream(IoEngine engine, IoConnection conn, string name) : Stream
{
    private readonly Stream _inner = StreamConnection.GetDuplex(conn, name);

    public volatile bool OffLoop = true;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (!engine.IsOnLoopThread)
            return new ValueTask<int>(engine.RunAsync(async () => await _inner.ReadAsync(buffer, ct)));
        var read = _inner.ReadAsync(buffer, ct);
        return OffLoop ? HopAsync(read) : read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (!engine.IsOnLoopThread)
            return new ValueTask(engine.RunAsync(async () => { await _inner.WriteAsync(buffer, ct); return true; }));
        var write = _inner.WriteAsync(buffer, ct);
        return OffLoop ? HopAsync(write) : write;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override Task FlushAsync(CancellationToken ct) =>
        engine.IsOnLoopThread ? _inner.FlushAsync(ct) : engine.RunAsync(async () => { await _inner.FlushAsync(ct); return true; });

    // SslStream is only used asynchronously; a synchronous call would block the loop thread.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private static async ValueTask<int> HopAsync(ValueTask<int> pending)
    {
        var n = await pending.ConfigureAwait(false);
        await ThreadPoolHop.Instance;
        return n;
    }

    private static async ValueTask HopAsync(ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        await ThreadPoolHop.Instance;
    }
}
