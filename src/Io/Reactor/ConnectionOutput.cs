// Output of an FdConnection: a PipeWriter over the connection's rented send buffer (rented at the first write,
// returned once everything was sent). A flush sends at once on the caller's (loop) thread.
using System.IO.Pipelines;

namespace Pooler.Io;

internal sealed class ConnectionOutput(FdConnection connection) : PipeWriter
{
    private bool _writing;          // memory from GetMemory/GetSpan is not committed by Advance yet
    private bool _flushOutstanding; // a flush did not complete at once: its ValueTask still refers to the buffer
    private bool _completed;
    private bool _cancelNextFlush;  // CancelPendingFlush with no flush waiting: the next one reports IsCanceled

    /// <summary>The buffer must not go back to the pool: the application holds its memory or a pending flush.</summary>
    public bool Busy => _writing || _flushOutstanding;
    public bool IsCompleted => _completed;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        var buffer = Begin();
        _writing = true;
        return buffer.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    private SendBuffer Begin()
    {
        if (_completed) throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
        _flushOutstanding = false; // the application awaited the previous flush before writing again
        return connection.RentOutputBuffer();
    }

    public override void Advance(int bytes)
    {
        if (connection.OutputBuffer is not { } buffer)
        {
            if (bytes == 0) return;
            throw new InvalidOperationException("Advance without GetMemory or GetSpan.");
        }
        buffer.Advance(bytes);
        _writing = false;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        _writing = false;
        _flushOutstanding = false;
        bool canceled = _cancelNextFlush;
        _cancelNextFlush = false;
        var flush = connection.FlushOutput(canceled);
        if (!flush.IsCompleted) _flushOutstanding = true;
        return flush;
    }

    public override void CancelPendingFlush()
    {
        if (connection.OutputBuffer is { FlushPending: true } buffer)
            buffer.CompleteFlush(new FlushResult(isCanceled: true, isCompleted: false));
        else
            _cancelNextFlush = true;
    }

    public override bool CanGetUnflushedBytes => true;
    public override long UnflushedBytes => connection.OutputBuffer?.UnflushedBytes ?? 0;

    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        _writing = false;
        _flushOutstanding = false;
        connection.OnOutputCompleted(exception);
    }
}
