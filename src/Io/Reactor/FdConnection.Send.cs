// Sending: a flush sends at once from the caller (no hop to a send loop); what the socket does not take waits for
// writability. Completing Output sends FIN after the last byte. The output pipe goes back to the pool once
// everything written was sent.
using System.IO.Pipelines;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class FdConnection
{
    private Pipe? _out;
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

    internal Pipe? OutputPipe => _out;
    internal bool SendEnded => _sendDone;

    internal Pipe RentOutputPipe()
    {
        if (_out is { } pipe) return pipe;
        pipe = _out = _engine.Pipes.Rent();
        if (_sendDone) pipe.Reader.Complete(); // writes after the end are dropped; flushes report IsCompleted
        return pipe;
    }

    /// <summary>Sends what was flushed, as far as the socket takes it (loop thread).</summary>
    internal void Send()
    {
        if (_sendByCompletion)
        {
            SubmitSend();
            return;
        }
        if (_sendDone || _waitingWritable || _out is not { } pipe) return;
        if (!pipe.Reader.TryRead(out var result)) return; // nothing flushed yet
        var buffer = result.Buffer;
        var failure = ShutdownKind.None;
        while (!buffer.IsEmpty && _readiness.WriteReady)
        {
            var sent = Sockets.Send(_readiness.Fd, buffer);
            if (sent.IsSuccess)
            {
                if (sent.Value < buffer.Length) _readiness.WriteReady = false; // the socket buffer is full
                buffer = buffer.Slice(sent.Value);
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
        pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        if (failure != ShutdownKind.None)
        {
            Close(failure, closeFd: true);
            return;
        }
        if (!buffer.IsEmpty)
        {
            _waitingWritable = true;
            _engine.RequestEvents(_readiness, Readiness.Out);
            return;
        }
        if (result.IsCompleted)
        {
            SendFin();
            ReleaseOutputIfIdle();
            MaybeClose();
            return;
        }
        ReleaseOutputIfIdle();
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
            if (_out is { } pipe)
            {
                pipe.Writer.Complete();
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
        if (SendInFlight) return; // the kernel still reads the pipe's memory: OnSent finishes this
        if (_out is { } pipe && !_output.IsCompleted) pipe.Reader.Complete(); // pending and later flushes: IsCompleted
        ReleaseOutputIfIdle();
    }

    private void ReleaseOutputIfIdle()
    {
        if (_out is not { } pipe || _output.Busy || _waitingWritable || SendInFlight) return;
        bool release = _sendDone ? _output.IsCompleted : pipe.Writer.UnflushedBytes == 0 && !_output.IsCompleted;
        if (!release) return;
        _out = null;
        _engine.Pipes.Return(pipe);
    }
}
