// The plaintext output of a TlsConnection: buffers what the session writes and encrypts it on its flush.
using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using Pooler.Io;

namespace Pooler.Tls;

/// <summary>
/// A flush hands everything written since the last one to SslStream at once, on the caller's (loop) thread: one
/// record (up to 16 KiB) and one send per flush, with no pump, no second pipe read and no queued continuation. The
/// flush stays pending only while the raw connection's output pushes back. As with a raw connection, completing it
/// sends what was written, then close_notify, then FIN. Loop thread only.
/// </summary>
internal sealed class TlsOutput : PipeWriter
{
    /// <summary>Plaintext handed to SslStream per write call; it cuts it into records of at most 16 KiB.</summary>
    private const int MaxGather = 128 * 1024;

    private readonly SslStream _ssl;
    private readonly IoConnection _inner;
    // Only a buffer between the session's writes and its flush: nobody awaits its reader, and its writer never
    // pauses (the raw output's back-pressure holds the flush instead).
    private readonly Pipe _buffer = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private byte[]? _gather;
    private Task<FlushResult>? _pendingFlush;
    private bool _failed, _completed;
    private Task? _closing;

    public TlsOutput(SslStream ssl, IoConnection inner)
    {
        _ssl = ssl;
        _inner = inner;
    }

    /// <summary>Ends once close_notify and FIN went out (or the connection failed).</summary>
    public Task Closed => _closing ?? Task.CompletedTask;

    public override Memory<byte> GetMemory(int sizeHint = 0) => Writable().GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Writable().GetSpan(sizeHint);

    public override void Advance(int bytes) => _buffer.Writer.Advance(bytes);

    public override bool CanGetUnflushedBytes => true;
    public override long UnflushedBytes => _buffer.Writer.UnflushedBytes;

    public override ValueTask<FlushResult> FlushAsync(CancellationToken ct = default)
    {
        if (_pendingFlush is { IsCompleted: false })
            throw new InvalidOperationException("A flush is already pending.");
        _pendingFlush = null;
        if (_failed || _completed)
        {
            Discard();
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: true));
        }
        _ = _buffer.Writer.FlushAsync(CancellationToken.None); // never pauses: completes at once
        var send = SendBuffered();
        if (send.IsCompleted)
            return new ValueTask<FlushResult>(Result());
        var pending = FinishFlushAsync(send);
        _pendingFlush = pending;
        return new ValueTask<FlushResult>(pending);
    }

    public override void CancelPendingFlush() =>
        throw new NotSupportedException("a TLS flush cannot be canceled: the record is half sent");

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
            return;
        _completed = true;
        _closing = CloseAsync();
    }

    private PipeWriter Writable() =>
        _completed ? throw new InvalidOperationException("Writing is not allowed after the writer was completed.") : _buffer.Writer;

    private FlushResult Result() => new(isCanceled: false, isCompleted: _failed);

    private async Task<FlushResult> FinishFlushAsync(ValueTask send)
    {
        await send;
        return Result();
    }

    /// <summary>Encrypts and sends everything buffered; completes at once unless the raw output pushes back.</summary>
    private ValueTask SendBuffered()
    {
        var reader = _buffer.Reader;
        while (reader.TryRead(out var read))
        {
            var buffer = read.Buffer;
            if (buffer.IsEmpty)
            {
                reader.AdvanceTo(buffer.End);
                break;
            }
            var chunk = buffer.Slice(0, Math.Min(buffer.Length, MaxGather));
            ValueTask write;
            try
            {
                write = _ssl.WriteAsync(Contiguous(chunk));
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
                reader.AdvanceTo(buffer.End);
                Fail();
                break;
            }
            if (!write.IsCompletedSuccessfully)
                return SendRestAsync(write, chunk.End);
            reader.AdvanceTo(chunk.End);
        }
        return default;
    }

    private async ValueTask SendRestAsync(ValueTask write, SequencePosition sent)
    {
        try
        {
            await write;
            _buffer.Reader.AdvanceTo(sent);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            _buffer.Reader.AdvanceTo(sent);
            Fail();
            Discard();
            return;
        }
        await SendBuffered();
    }

    /// <summary>One SslStream write per flush, not per segment: each write is at least a record and a send.</summary>
    private ReadOnlyMemory<byte> Contiguous(in ReadOnlySequence<byte> chunk)
    {
        if (chunk.IsSingleSegment)
            return chunk.First;
        var length = (int)chunk.Length;
        if (_gather is null || _gather.Length < length)
        {
            if (_gather is not null)
                ArrayPool<byte>.Shared.Return(_gather);
            _gather = ArrayPool<byte>.Shared.Rent(length);
        }
        chunk.CopyTo(_gather);
        return _gather.AsMemory(0, length);
    }

    private async Task CloseAsync()
    {
        try
        {
            if (_pendingFlush is { } pending)
                await pending;
            if (!_failed)
            {
                _ = _buffer.Writer.FlushAsync(CancellationToken.None);
                await SendBuffered();
            }
            if (!_failed)
                await _ssl.ShutdownAsync();
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            // The peer is gone: FIN below is all that is left to do.
        }
        finally
        {
            _buffer.Reader.Complete();
            _buffer.Writer.Complete();
            if (_gather is not null)
                ArrayPool<byte>.Shared.Return(_gather);
            _gather = null;
            _inner.Output.Complete();
        }
    }

    private void Fail() => _failed = true;

    /// <summary>After a failure nothing more can be sent: drop what is buffered so it does not grow.</summary>
    private void Discard()
    {
        if (_buffer.Reader.TryRead(out var read))
            _buffer.Reader.AdvanceTo(read.Buffer.End);
    }

    // A reset or a broken connection ends the output like a failed send on a raw connection: flushes report it.
    private static bool IsConnectionFailure(Exception ex) =>
        ex is IOException or AuthenticationException or ObjectDisposedException or InvalidOperationException;
}
