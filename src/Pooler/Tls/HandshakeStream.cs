// The raw connection as the Stream of TLS records under SslStream, able to move the handshake's CPU work off the
// loop thread and, after it, to read and write the connection's pipes directly and synchronously when it can.
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Pooler.Io;

namespace Pooler.Tls;

/// <summary>
/// SslStream reads and writes records through this stream, straight from and into the IoConnection's pipes: a read
/// copies what the input already holds and completes at once (no state machine, no task), and a write copies the
/// record into the output and flushes it, which sends on the caller's (loop) thread. Only a read that must wait for
/// the peer allocates, once per wait.
/// Pipe continuations run on the loop thread, so without help the handshake's key exchange and signature would run
/// there too and stall every other session. While <see cref="OffLoop"/> is set each completed read or write hops to
/// the thread pool first. After the handshake the flag is cleared and record encryption stays on the loop thread
/// (cheap, and no thread hop per message).
/// The connection's pipes belong to the loop thread (the epoll/io_uring façades rent pipes from a per-loop pool
/// without locks), so a call SslStream makes from the thread pool is carried onto the loop before it touches them.
/// </summary>
internal sealed class HandshakeStream(IoEngine engine, IoConnection conn) : Stream
{
    private readonly PipeReader _input = conn.Input;
    private readonly PipeWriter _output = conn.Output;

    public volatile bool OffLoop = true;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (!engine.IsOnLoopThread)
            return new ValueTask<int>(engine.RunAsync(async () => await ReadOnLoopAsync(buffer, ct)));
        var read = ReadOnLoopAsync(buffer, ct);
        return OffLoop ? HopAsync(read) : read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (!engine.IsOnLoopThread)
            return new ValueTask(engine.RunAsync(async () => { await WriteOnLoopAsync(buffer, ct); return true; }));
        var write = WriteOnLoopAsync(buffer, ct);
        return OffLoop ? HopAsync(write) : write;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Every write already flushed its record.</summary>
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    // SslStream is only used asynchronously; a synchronous call would block the loop thread.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    // Disposing SslStream disposes this stream: the pipes stay open, their owner (the session, through
    // TlsConnection or the raw connection) completes them and sends FIN after close_notify.
    protected override void Dispose(bool disposing) { }

    private ValueTask<int> ReadOnLoopAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (buffer.IsEmpty)
            return new ValueTask<int>(0);
        if (_input.TryRead(out var result) && TryTake(result, buffer.Span, out var n))
            return new ValueTask<int>(n);
        return WaitAndReadAsync(buffer, ct);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitAndReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (true)
        {
            var result = await _input.ReadAsync(ct).ConfigureAwait(false);
            if (TryTake(result, buffer.Span, out var n))
                return n;
        }
    }

    /// <summary>
    /// Copies what fits and consumes it; 0 at EOF, and also for a canceled read: TlsConnection cancels the raw read
    /// to end its receive pump, which SslStream then takes as the peer's EOF. False when nothing came (read again).
    /// </summary>
    private bool TryTake(in ReadResult result, Span<byte> destination, out int n)
    {
        var data = result.Buffer;
        if (data.IsEmpty)
        {
            _input.AdvanceTo(data.Start);
            n = 0;
            return result.IsCompleted || result.IsCanceled;
        }
        n = (int)Math.Min(data.Length, destination.Length);
        data.Slice(0, n).CopyTo(destination);
        // Examined only as far as consumed: what is left is a record SslStream will ask for next, at once.
        var consumed = data.GetPosition(n);
        _input.AdvanceTo(consumed, consumed);
        return true;
    }

    private ValueTask WriteOnLoopAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        _output.Write(buffer.Span);
        var flush = _output.FlushAsync(ct);
        if (!flush.IsCompleted)
            return AwaitFlushAsync(flush);
        ThrowIfClosed(flush.Result);
        return default;
    }

    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) =>
        ThrowIfClosed(await flush.ConfigureAwait(false));

    // As a socket's send fails once the peer is gone: SslStream reports it and TlsOutput's flushes say "completed".
    private static void ThrowIfClosed(FlushResult result)
    {
        if (result.IsCompleted)
            throw new IOException("the connection is closed");
    }

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
