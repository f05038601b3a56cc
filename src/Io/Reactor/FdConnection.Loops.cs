// The two per-connection loops. Reads happen only on readiness and straight into pipe memory, so an idle
// connection holds no buffer; a short read means the socket is drained (no extra recv to see EAGAIN).
using System.Buffers;
using System.IO.Pipelines;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed partial class FdConnection
{
    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        ShutdownKind failure = ShutdownKind.None;
        try
        {
            if (!_alreadyRead.IsEmpty)
            {
                writer.Write(_alreadyRead.Span);
                _alreadyRead = default;
                if ((await writer.FlushAsync()).IsCompleted) return;
            }
            while (!_closed)
            {
                if (!_readiness.ReadReady)
                {
                    await _readiness.WaitReadable(_engine);
                    continue;
                }
                var memory = writer.GetMemory(_engine.Options.MinimumSegmentSize);
                var received = Sockets.Receive(_readiness.Fd, memory.Span);
                if (received.Value > 0)
                {
                    int n = received.IntValue;
                    writer.Advance(n);
                    if (n < memory.Length && !_readiness.PeerClosed) _readiness.ReadReady = false;
                    var flush = await writer.FlushAsync();
                    if (flush.IsCompleted)
                    {
                        TrySetShutdown(ShutdownKind.InputCompleted);
                        break;
                    }
                }
                else if (received.Value == 0)
                {
                    TrySetShutdown(ShutdownKind.ReadEndOfStream);
                    break;
                }
                else if (received.IsAgain)
                {
                    _readiness.ReadReady = false;
                }
                else
                {
                    failure = received.Errno == Errnos.ECONNRESET ? ShutdownKind.ReadReset : ShutdownKind.ReadError;
                    TrySetShutdown(failure);
                    error = new IOException($"recv failed: {received}", received.Errno);
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
            failure = ShutdownKind.ReadError;
        }
        finally
        {
            await writer.CompleteAsync(error);
            _receiveDone = true;
            if (failure != ShutdownKind.None) Close(failure, closeFd: true);
            else MaybeClose();
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        ShutdownKind failure = ShutdownKind.None;
        try
        {
            while (!_closed)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                while (!buffer.IsEmpty && !_closed)
                {
                    if (!_readiness.WriteReady)
                    {
                        await _readiness.WaitWritable(_engine);
                        continue;
                    }
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
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (failure != ShutdownKind.None || _closed) break;
                if (result.IsCompleted)
                {
                    TrySetShutdown(ShutdownKind.OutputCompleted);
                    Sockets.Shutdown(_readiness.Fd, Sockets.SHUT_WR); // FIN: the peer sees EOF, we may still read
                    break;
                }
            }
        }
        catch (Exception)
        {
            failure = ShutdownKind.WriteError;
        }
        finally
        {
            // Completed without an exception: the application's next flush reports IsCompleted (a value).
            await reader.CompleteAsync();
            _sendDone = true;
            if (failure != ShutdownKind.None) Close(failure, closeFd: true);
            else MaybeClose();
        }
    }
}
