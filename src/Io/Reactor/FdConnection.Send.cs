// Sending: a flush sends at once from the caller (no hop to a send loop); what the socket does not take waits for
// writability. Completing Output sends FIN after the last byte. The send buffer goes back to the pool once
// everything written was sent.
using System.IO.Pipelines;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class FdConnection
{
    private SendBuffer? _out;
    private readonly bool _sendByCompletion;
    private bool _sendDone;        // FIN sent, send error, or closed: nothing more goes out
    private bool _waitingWritable; // unsent bytes wait for the socket to become writable

    public bool WantsWrite => _waitingWritable;

    public void OnWritable()
    {
        if (!_waitingWritable) return;
        _waitingWritable = false;
        Send();
    }

    internal SendBuffer? OutputBuffer => _out;
    internal bool SendEnded => _sendDone;

    internal SendBuffer RentOutputBuffer() => _out ??= _engine.SendBuffers.Rent();

    /// <summary>Output's flush: what was written becomes sendable and is sent as far as the socket takes it. Waits
    /// (a pending result) while the pause threshold's worth stays unsent; IsCompleted once nothing goes out any more,
    /// in which case the bytes are dropped.</summary>
    internal ValueTask<FlushResult> FlushOutput(bool canceled)
    {
        if (_out is not { } buffer)
            return new ValueTask<FlushResult>(new FlushResult(canceled, isCompleted: _sendDone));
        if (_sendDone)
        {
            if (!SendInFlight) buffer.Clear(); // else OnSent gives the buffer back, with the kernel done reading it
            ReleaseOutputIfIdle();
            return new ValueTask<FlushResult>(new FlushResult(canceled, isCompleted: true));
        }
        buffer.Flush();
        Send();
        if (_sendDone)
            return new ValueTask<FlushResult>(new FlushResult(canceled, isCompleted: true)); // the send failed
        if (!canceled && _out is { } unsent && unsent.UnsentBytes >= _engine.Options.PauseThreshold)
            return unsent.WaitFlush();
        return new ValueTask<FlushResult>(new FlushResult(canceled, isCompleted: false));
    }

    /// <summary>Sends what was flushed, as far as the socket takes it (loop thread).</summary>
    internal void Send()
    {
        if (_sendByCompletion)
        {
            SubmitSend();
            return;
        }
        if (_sendDone || _waitingWritable || _out is not { } buffer) return;
        var failure = ShutdownKind.None;
        while (_readiness.WriteReady && buffer.TryGetSendable(out var chunk, out _))
        {
            var sent = Sockets.Send(_readiness.Fd, chunk.Span);
            if (sent.IsSuccess)
            {
                if (sent.Value < chunk.Length) _readiness.WriteReady = false; // the socket buffer is full
                buffer.Consume(sent.IntValue);
            }
            else if (sent.IsAgain)
            {
                _readiness.WriteReady = false;
            }
            else
            {
                failure = sent.Errno is Errnos.ECONNRESET or Errnos.EPIPE ? ShutdownKind.WriteReset : ShutdownKind.WriteError;
                break;
            }
        }
        if (failure != ShutdownKind.None)
        {
            Close(failure, closeFd: true);
            return;
        }
        ResumeFlushIfDrained(buffer);
        if (buffer.UnsentBytes > 0)
        {
            _waitingWritable = true;
            _engine.RequestEvents(_readiness, Readiness.Out);
            return;
        }
        AfterAllSent(buffer);
    }

    /// <summary>Everything flushed went out: FIN if Output is complete, and the buffer goes back when idle.</summary>
    private void AfterAllSent(SendBuffer buffer)
    {
        if (_output.IsCompleted && buffer.UnflushedBytes == 0)
        {
            SendFin();
            ReleaseOutputIfIdle();
            MaybeClose();
            return;
        }
        ReleaseOutputIfIdle();
    }

    private void ResumeFlushIfDrained(SendBuffer buffer)
    {
        if (buffer.FlushPending && buffer.UnsentBytes < _engine.Options.ResumeThreshold)
            buffer.CompleteFlush(new FlushResult(isCanceled: false, isCompleted: false));
    }

    /// <summary>The application completed Output: FIN after what is buffered (an error closes at once).</summary>
    internal void OnOutputCompleted(Exception? error)
    {
        if (error is not null)
        {
            Close(ShutdownKind.WriteError, closeFd: true);
            ReleaseOutputIfIdle();
            return;
        }
        if (!_sendDone)
        {
            if (_out is { } buffer)
            {
                buffer.Flush(); // as a Pipe's writer commits on Complete
                Send();
                return;
            }
            SendFin();
        }
        ReleaseOutputIfIdle();
        MaybeClose();
    }

    /// <summary>Output is done: FIN after the last bytes (the peer sees EOF, we may still read). Not when the socket
    /// is being disposed: it closes right after, and close sends the same FIN (one system call less per client).</summary>
    private void SendFin()
    {
        TrySetShutdown(ShutdownKind.OutputCompleted);
        if (!_closeWhenSent)
            Sockets.Shutdown(_readiness.Fd, Sockets.SHUT_WR);
        _sendDone = true;
    }

    private void EndSend()
    {
        _waitingWritable = false;
        _sendDone = true;
        _out?.CompleteFlush(new FlushResult(isCanceled: false, isCompleted: true)); // pending and later flushes: IsCompleted
        if (SendInFlight) return; // the kernel still reads the buffer's memory: OnSent finishes this
        ReleaseOutputIfIdle();
    }

    private void ReleaseOutputIfIdle()
    {
        if (_out is not { } buffer || _output.Busy || _waitingWritable || SendInFlight) return;
        // After the end, what is left is dropped; before it, only an empty buffer goes (a completed Output's bytes
        // still wait for their FIN, which sets _sendDone).
        bool release = _sendDone || (buffer.IsEmpty && !_output.IsCompleted);
        if (!release) return;
        _out = null;
        _engine.SendBuffers.Return(buffer);
    }
}
