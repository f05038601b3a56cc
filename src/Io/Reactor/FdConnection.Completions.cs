// The completion-based data path (io_uring): the engine hands us received chunks, which are copied into the
// rented input pipe, and completes sends submitted straight from the send buffer's memory, pinned until the
// kernel is done with it. Back-pressure stops the engine's receive instead of skipping a recv.
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class FdConnection
{
    private bool _receiveByCompletion; // decided in Start (on the loop, once the engine's buffers exist)
    // The pinned memory of the submitted send, which the kernel reads until OnSent; null while none is in flight.
    private StrongBox<MemoryHandle>? _sendPin;

    private bool SendInFlight => _sendPin is not null;

    /// <summary>Receiving resumes (start, or back-pressure released): commit what arrived while paused, then
    /// make sure the engine's receive is armed.</summary>
    private void ResumeCompletionReceive()
    {
        if (_in is { } pipe && pipe.Writer.UnflushedBytes > 0)
        {
            var flush = pipe.Writer.FlushAsync();
            _input.OnDataAdded();
            if (!flush.IsCompleted)
            {
                _inFlushPending = true;
                _ = ResumeAfterFlushAsync(flush);
                return;
            }
        }
        _engine.ArmReceive(_readiness);
    }

    public void OnReceived(ReadOnlySpan<byte> data)
    {
        if (_receiveDone) return;
        var pipe = RentInputPipe();
        pipe.Writer.Write(data);
        _inBuffered += data.Length;
        // Chunks that were already on their way when back-pressure stopped the receive: committed by the flush
        // that resumes receiving.
        if (_inFlushPending) return;
        var flush = pipe.Writer.FlushAsync();
        if (!flush.IsCompleted)
        {
            _inFlushPending = true;
            _engine.StopReceive(_readiness);
            _ = ResumeAfterFlushAsync(flush);
        }
        _input.OnDataAdded();
    }

    public void OnReceiveEnded(int result)
    {
        if (_receiveDone) return;
        if (result == 0)
        {
            TrySetShutdown(ShutdownKind.ReadEndOfStream);
            EndReceive(null);
            MaybeClose();
            return;
        }
        var failure = result == -Errnos.ECONNRESET ? ShutdownKind.ReadReset : ShutdownKind.ReadError;
        TrySetShutdown(failure);
        EndReceive(new IOException($"recv failed: -{Errnos.Name(-result)}", -result));
        Close(failure, closeFd: true);
    }

    /// <summary>Submits the first flushed run of bytes; they stay unconsumed in the buffer until OnSent.</summary>
    private void SubmitSend()
    {
        if (_sendDone || SendInFlight || _waitingWritable || _out is not { } buffer) return;
        if (buffer.TryGetSendable(out var chunk, out bool pinned))
        {
            _sendPin = pinned ? _engine.SendPins.Hold(PinnedBlockPool.Handle(chunk)) : _engine.SendPins.Pin(chunk);
            _engine.SubmitSend(_readiness, _sendPin.Value, chunk.Length);
            return;
        }
        AfterAllSent(buffer);
    }

    public void OnSent(int result)
    {
        if (_sendPin is { } pin)
        {
            _sendPin = null;
            _engine.SendPins.Release(pin);
        }
        var buffer = _out!;
        if (_sendDone)
        {
            // Closed while the send was in flight: EndSend completed the flushes; the kernel is done with the memory.
            ReleaseOutputIfIdle();
            return;
        }
        if (result == -Errnos.EAGAIN)
        {
            // The socket was full and io_uring gave up instead of waiting: wait for writability, then resubmit.
            _readiness.WriteReady = false;
            _waitingWritable = true;
            _engine.RequestEvents(_readiness, Readiness.Out);
            return;
        }
        if (result < 0)
        {
            Close(-result is Errnos.ECONNRESET or Errnos.EPIPE ? ShutdownKind.WriteReset : ShutdownKind.WriteError, closeFd: true);
            return;
        }
        buffer.Consume(result);
        ResumeFlushIfDrained(buffer);
        SubmitSend(); // the next run, the FIN, or give the buffer back
    }
}
