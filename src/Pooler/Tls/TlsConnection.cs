// A connection after its TLS handshake: an IoConnection whose pipes carry plaintext, pumped through SslStream.
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Pooler.Io;

namespace Pooler.Tls;

/// <summary>
/// Sessions keep using an IoConnection, so nothing above this layer knows about TLS. A receive pump runs on the loop
/// thread (SslStream.ReadAsync → plaintext pipe); sends need none: <see cref="TlsOutput"/> encrypts on the session's
/// flush. As with the raw connection, completing <see cref="Output"/> sends what was written, then close_notify and
/// FIN.
/// </summary>
internal sealed class TlsConnection : IoConnection
{
    /// <summary>Plaintext received and not yet read before the pump waits; a TLS record holds at most 16 KiB.</summary>
    private const long PauseThreshold = 64 * 1024;

    private static long s_recordsOffLoop;

    private readonly IoEngine _engine;
    private readonly IoConnection _inner;
    private readonly SslStream _ssl;
    private readonly Pipe _receive;
    private readonly TlsOutput _output;
    private readonly Task _receivePump;

    /// <summary>Takes over a connection whose handshake is done; call on the loop thread.</summary>
    public TlsConnection(IoConnection inner, SslStream ssl, IoEngine engine)
    {
        _engine = engine;
        _inner = inner;
        _ssl = ssl;
        var options = new PipeOptions(readerScheduler: engine.Scheduler, writerScheduler: engine.Scheduler, pauseWriterThreshold: PauseThreshold,
            resumeWriterThreshold: PauseThreshold / 2, useSynchronizationContext: false);
        _receive = new Pipe(options);
        _output = new TlsOutput(ssl, inner);
        Description = Describe(ssl);
        _receivePump = ReceiveLoopAsync();
    }

    /// <summary>"TLSv1.3/TLS_AES_256_GCM_SHA384": the `tls` column of SHOW CLIENTS / SHOW SERVERS.</summary>
    public string Description { get; }

    public SslStream Ssl => _ssl;

    /// <summary>
    /// Received records whose decryption finished off the loop thread, process-wide. Stays 0 unless something on the
    /// data path completes a Task that SslStream awaits (then every record costs two thread hops); tests assert it.
    /// </summary>
    public static long RecordsOffLoop => Interlocked.Read(ref s_recordsOffLoop);

    public override EndPoint? RemoteEndPoint => _inner.RemoteEndPoint;

    public override bool IsUnixSocket => _inner.IsUnixSocket;
    public override EndPoint? LocalEndPoint => _inner.LocalEndPoint;
    public override PipeReader Input => _receive.Reader;
    public override PipeWriter Output => _output;
    public override ShutdownKind ShutdownReason => _inner.ShutdownReason;

    public override void Abort(ShutdownKind reason = ShutdownKind.Aborted) => _inner.Abort(reason);

    /// <summary>TLS state lives in this process: such a connection cannot be handed to another one.</summary>
    public override int DetachFd() => throw new NotSupportedException("a TLS connection cannot be detached");

    public override async ValueTask DisposeAsync()
    {
        _output.Complete();
        _receive.Reader.Complete();
        // Wake a receive pump still waiting for the peer: the raw read returns nothing and the pump ends.
        _inner.Input.CancelPendingRead();
        try
        {
            await Task.WhenAll(_receivePump, _output.Closed);
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
                // Not back through the loop's queue: every read completes on the loop thread (the raw input's
                // continuations run there, and SslStream continues inline), so this saves a hop per record.
                var n = await _ssl.ReadAsync(memory).ConfigureAwait(false);
                if (n == 0)
                    break;
                if (!_engine.IsOnLoopThread)
                    Interlocked.Increment(ref s_recordsOffLoop);
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
}
