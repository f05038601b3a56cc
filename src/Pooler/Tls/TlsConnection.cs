// A connection after its TLS handshake: an IoConnection whose pipes carry plaintext, pumped through SslStream.
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Pooler.Io;

namespace Pooler.Tls;

/// <summary>
/// Sessions keep using an IoConnection, so nothing above this layer knows about TLS. Two pumps run on the loop
/// thread: receive (SslStream.ReadAsync → plaintext pipe) and send (plaintext pipe → SslStream.WriteAsync). As with
/// the raw connection, completing <see cref="Output"/> sends what was written, then close_notify and FIN.
/// </summary>
internal sealed class TlsConnection : IoConnection
{
    /// <summary>Plaintext buffered per direction before the writer waits; a TLS record holds at most 16 KiB.</summary>
    private const long PauseThreshold = 64 * 1024;

    private readonly IoConnection _inner;
    private readonly SslStream _ssl;
    private readonly Pipe _receive;
    private readonly Pipe _send;
    private readonly Task _receivePump;
    private readonly Task _sendPump;

    /// <summary>Takes over a connection whose handshake is done; call on the loop thread.</summary>
    public TlsConnection(IoConnection inner, SslStream ssl, PipeScheduler loop)
    {
        _inner = inner;
        _ssl = ssl;
        var options = new PipeOptions(readerScheduler: loop, writerScheduler: loop, pauseWriterThreshold: PauseThreshold,
            resumeWriterThreshold: PauseThreshold / 2, useSynchronizationContext: false);
        _receive = new Pipe(options);
        _send = new Pipe(options);
        Description = Describe(ssl);
        _receivePump = ReceiveLoopAsync();
        _sendPump = SendLoopAsync();
    }

    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384": the `tls` column of SHOW CLIENTS / SHOW SERVERS.</summary>
    public string Description { get; }

    public SslStream Ssl => _ssl;

    public override EndPoint? RemoteEndPoint => _inner.RemoteEndPoint;
    public override EndPoint? LocalEndPoint => _inner.LocalEndPoint;
    public override PipeReader Input => _receive.Reader;
    public override PipeWriter Output => _send.Writer;
    public override ShutdownKind ShutdownReason => _inner.ShutdownReason;

    public override void Abort(ShutdownKind reason = ShutdownKind.Aborted) => _inner.Abort(reason);

    /// <summary>TLS state lives in this process: such a connection cannot be handed to another one.</summary>
    public override int DetachFd() => throw new NotSupportedException("a TLS connection cannot be detached");

    public override async ValueTask DisposeAsync()
    {
        _send.Writer.Complete();
        _receive.Reader.Complete();
        // Wake a receive pump still waiting for the peer: the raw read returns nothing and the pump ends.
        _inner.Input.CancelPendingRead();
        try
        {
            await Task.WhenAll(_receivePump, _sendPump);
        }
        catch
        {
            // The pumps record their own failures; disposing goes on regardless.
        }
        _ssl.Dispose();
        await _inner.DisposeAsync();
    }

    public static string Describe(SslStream ssl)
    {
#pragma warning disable SYSLIB0039 // names only
        var protocol = ssl.SslProtocol switch
        {
            SslProtocols.Tls13 => "TLSv1.3",
            SslProtocols.Tls12 => "TLSv1.2",
            SslProtocols.Tls11 => "TLSv1.1",
            SslProtocols.Tls => "TLSv1",
            var other => other.ToString(),
        };
#pragma warning restore SYSLIB0039
        return $"{protocol}/{ssl.NegotiatedCipherSuite}";
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _receive.Writer;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var n = await _ssl.ReadAsync(memory);
                if (n == 0)
                    break;
                writer.Advance(n);
                var flush = await writer.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or ObjectDisposedException or InvalidOperationException)
        {
            // A reset or a broken record ends the stream like EOF does on a plain connection: the session sees the
            // input complete and cleans up the same way.
        }
        await writer.CompleteAsync();
    }

    private async Task SendLoopAsync()
    {
        var reader = _send.Reader;
        byte[]? gather = null;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync();
                var buffer = read.Buffer;
                if (buffer.IsSingleSegment)
                {
                    if (!buffer.IsEmpty)
                        await _ssl.WriteAsync(buffer.First);
                }
                else
                {
                    // One write per flush, not per segment: each SslStream write is a record and a send.
                    var length = (int)Math.Min(buffer.Length, PauseThreshold * 2);
                    if (gather is null || gather.Length < length)
                    {
                        if (gather is not null)
                            ArrayPool<byte>.Shared.Return(gather);
                        gather = ArrayPool<byte>.Shared.Rent(length);
                    }
                    var rest = buffer;
                    while (!rest.IsEmpty)
                    {
                        var chunk = rest.Slice(0, Math.Min(rest.Length, gather.Length));
                        chunk.CopyTo(gather);
                        await _ssl.WriteAsync(gather.AsMemory(0, (int)chunk.Length));
                        rest = rest.Slice(chunk.End);
                    }
                }
                reader.AdvanceTo(buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                    break;
            }
            await reader.CompleteAsync();
            await _ssl.ShutdownAsync();
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or ObjectDisposedException or InvalidOperationException)
        {
            await reader.CompleteAsync();
        }
        finally
        {
            if (gather is not null)
                ArrayPool<byte>.Shared.Return(gather);
        }
        await _inner.Output.CompleteAsync();
    }
}
