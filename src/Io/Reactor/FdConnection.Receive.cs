// Receiving: on readability, recv straight into the rented input pipe's memory (a short read means the socket is
// drained, so no extra recv to see EAGAIN), then signal the reader. Back-pressure: when the pipe holds the pause
// threshold, reading stops until the application consumes. The pipe goes back to the pool once it is empty.
using System.IO.Pipelines;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class FdConnection
{
    private Pipe? _in;
    private long _inBuffered;     // bytes in _in that the application has not consumed
    private bool _receiveDone;    // no more recv: EOF, error, close, or the application completed Input
    private bool _inputEnded;     // _in's writer is completed (EOF, error or close delivered to the reader)
    private bool _inFlushPending; // paused by back-pressure until the application consumes

    public bool WantsRead => !_receiveDone && !_inFlushPending;

    public void OnReadable() => Receive();

    internal Pipe? InputPipe => _in;
    internal bool InputEnded => _inputEnded;

    internal Pipe RentInputPipe() => _in ??= _engine.Pipes.Rent();

    private void Receive()
    {
        if (_receiveDone || _inFlushPending) return;
        if (_receiveByCompletion)
        {
            ResumeCompletionReceive();
            return;
        }
        bool added = false;
        while (_readiness.ReadReady)
        {
            var pipe = RentInputPipe();
            var memory = pipe.Writer.GetMemory(_engine.Options.MinimumSegmentSize);
            var received = Sockets.Receive(_readiness.Fd, memory.Span);
            if (received.Value > 0)
            {
                int n = received.IntValue;
                pipe.Writer.Advance(n);
                _inBuffered += n;
                added = true;
                if (n < memory.Length && !_readiness.PeerClosed) _readiness.ReadReady = false;
                var flush = pipe.Writer.FlushAsync();
                if (!flush.IsCompleted)
                {
                    _inFlushPending = true;
                    _ = ResumeAfterFlushAsync(flush);
                    break;
                }
            }
            else if (received.Value == 0)
            {
                TrySetShutdown(ShutdownKind.ReadEndOfStream);
                EndReceive(null);
                MaybeClose();
                return;
            }
            else if (received.IsAgain)
            {
                _readiness.ReadReady = false;
            }
            else
            {
                var failure = received.Errno == Errnos.ECONNRESET ? ShutdownKind.ReadReset : ShutdownKind.ReadError;
                TrySetShutdown(failure);
                EndReceive(new IOException($"recv failed: {received}", received.Errno));
                Close(failure, closeFd: true);
                return;
            }
        }
        if (added) _input.OnDataAdded();
        else ReleaseInputIfIdle(); // a readiness without data (or a recv that found none) rented for nothing
        if (!_readiness.ReadReady && WantsRead) _engine.RequestEvents(_readiness, Readiness.In);
    }

    private async Task ResumeAfterFlushAsync(ValueTask<FlushResult> flush)
    {
        try { await flush; }
        catch (Exception) { } // the pipe was completed under the flush (close): nothing to resume
        _inFlushPending = false;
        if (_receiveDone) ReleaseInputIfIdle();
        else Receive();
    }

    /// <summary>No more bytes will arrive: the reader sees what is buffered, then completion (or the error).</summary>
    private void EndReceive(Exception? error)
    {
        if (_receiveDone) return;
        _receiveDone = true;
        _inputEnded = true;
        var pipe = RentInputPipe();
        if (_inFlushPending) pipe.Writer.CancelPendingFlush();
        pipe.Writer.Complete(error);
        _input.OnDataAdded();
    }

    /// <summary>The application consumed bytes (ConnectionInput.AdvanceTo).</summary>
    internal void OnInputAdvanced(long consumed)
    {
        _inBuffered -= consumed;
        ReleaseInputIfIdle();
    }

    /// <summary>The application completed Input: stop reading; the pipe goes back to the pool.</summary>
    internal void OnInputCompleted()
    {
        _receiveDone = true;
        if (_receiveByCompletion) _engine.StopReceive(_readiness);
        if (_inFlushPending) _in?.Writer.CancelPendingFlush(); // ResumeAfterFlushAsync then releases the pipe
        ReleaseInputIfIdle();
        MaybeClose();
    }

    private void ReleaseInputIfIdle()
    {
        if (_in is not { } pipe || _inFlushPending || _input.Reading) return;
        if (_input.IsCompleted || (!_inputEnded && _inBuffered == 0))
        {
            _in = null;
            _inBuffered = 0;
            _input.OnPipeReleased();
            _engine.Pipes.Return(pipe);
        }
    }
}
