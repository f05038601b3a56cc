// Output of an FdConnection: a PipeWriter over the connection's rented output Pipe (rented at the first write,
// returned once everything was sent). A flush sends at once on the caller's (loop) thread.
using System.IO.Pipelines;

namespace Pooler.Io;

internal sealed class ConnectionOutput(FdConnection connection) : PipeWriter
{
    private bool _writing;          // memory from GetMemory/GetSpan is not committed by Advance yet
    private bool _flushOutstanding; // a flush did not complete at once: its ValueTask still refers to the pipe
    private bool _completed;

    /// <summary>The pipe must not go back to the pool: the application holds its memory or a pending flush.</summary>
    public bool Busy => _writing || _flushOutstanding;
    public bool IsCompleted => _completed;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        var pipe = Begin();
        _writing = true;
        return pipe.Writer.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        var pipe = Begin();
        _writing = true;
        return pipe.Writer.GetSpan(sizeHint);
    }

    private Pipe Begin()
    {
        if (_completed) throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
        _flushOutstanding = false; // the application awaited the previous flush before writing again
        return connection.RentOutputPipe();
    }

    public override void Advance(int bytes)
    {
        if (connection.OutputPipe is not { } pipe)
        {
            if (bytes == 0) return;
            throw new InvalidOperationException("Advance without GetMemory or GetSpan.");
        }
        pipe.Writer.Advance(bytes);
        _writing = false;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        _writing = false;
        _flushOutstanding = false;
        if (connection.OutputPipe is not { } pipe)
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: connection.SendEnded));
        var flush = pipe.Writer.FlushAsync(cancellationToken);
        if (!flush.IsCompleted) _flushOutstanding = true; // before Send, which may return the pipe when drained
        connection.Send();
        return flush;
    }

    public override void CancelPendingFlush() => connection.OutputPipe?.Writer.CancelPendingFlush();

    public override bool CanGetUnflushedBytes => true;
    public override long UnflushedBytes => connection.OutputPipe?.Writer.UnflushedBytes ?? 0;

    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        _writing = false;
        _flushOutstanding = false;
        connection.OnOutputCompleted(exception);
    }
}
