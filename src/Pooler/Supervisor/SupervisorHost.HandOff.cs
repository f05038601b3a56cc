// Accepting clients and passing them on: read the first packet, answer SSLRequest, pick the worker, send the fd.
using System.Buffers;
using Pooler.Config;
using Pooler.Io;
using Pooler.Protocol;
using Pooler.Hosting;
using Pooler.Workers;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    private Task AcceptLoopAsync(IoListener listener) =>
        ClientAcceptLoop.RunAsync(listener, _log, () => _stopping, conn => _ = HandOffAsync(conn));

    /// <summary>Read up to the packet that decides the worker, then pass the socket and every byte read so far.</summary>
    private async Task HandOffAsync(IoConnection conn)
    {
        var options = _config.Pooler;
        var timeout = options.ClientLoginTimeout > TimeSpan.Zero ? options.ClientLoginTimeout : TimeSpan.FromSeconds(60);
        // Armed only while this connection is being read: a silent client cannot hold the supervisor's resources.
        using var timer = _engine.TimeProvider.CreateTimer(static s => ((IoConnection)s!).Abort(ShutdownKind.Aborted), conn,
            timeout, Timeout.InfiniteTimeSpan);
        try
        {
            var input = conn.Input;
            while (true)
            {
                var read = await input.ReadAsync();
                var buffer = read.Buffer;
                var status = StartupFrameReader.TryRead(ref buffer, out var frame, out _, options.MaxStartupPacketSize);
                if (status == FrameReadStatus.NeedMoreData)
                {
                    input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    if (read.IsCompleted)
                    {
                        conn.Abort(ShutdownKind.Aborted);
                        return;
                    }
                    continue;
                }
                int target;
                if (status == FrameReadStatus.Error)
                {
                    target = _chooser.Choose(null, null, Loads()); // the worker reports the protocol error
                }
                else if (frame.Kind is StartupFrameKind.SslRequest or StartupFrameKind.GssEncRequest)
                {
                    if (frame.Kind == StartupFrameKind.SslRequest && options.ClientTlsSslMode != TlsMode.Disable)
                    {
                        target = _chooser.Choose(null, null, Loads()); // the worker answers 'S' and does the handshake
                    }
                    else
                    {
                        input.AdvanceTo(buffer.Start);
                        // 'N': plain text; the client sends its StartupMessage next, which picks the worker.
                        BackendMessages.WriteEncryptionResponse(conn.Output, accept: false);
                        if ((await conn.Output.FlushAsync()).IsCompleted)
                        {
                            conn.Abort(ShutdownKind.Aborted);
                            return;
                        }
                        continue;
                    }
                }
                else if (frame.Kind == StartupFrameKind.CancelRequest)
                {
                    CancelRequestMessage.TryParse(frame, out var cancel);
                    target = cancel is null ? -1 : cancel.ProcessId & 0xFF;
                    if (target >= _workers.Length || target < 0 || !_workers[target].Alive)
                    {
                        // Its worker is gone, and the query with it: nothing to cancel.
                        input.AdvanceTo(read.Buffer.End);
                        await conn.DisposeAsync();
                        return;
                    }
                }
                else
                {
                    StartupMessage.TryParse(frame, out var startup, out _);
                    target = _chooser.Choose(startup?.EffectiveDatabase, startup?.User, Loads());
                }
                await PassAsync(conn, read.Buffer.ToArray(), read.Buffer.End, target);
                _collector.OnConnectionEvent();
                return;
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            conn.Abort(ShutdownKind.Aborted);
        }
    }

    private async Task PassAsync(IoConnection conn, byte[] prefix, SequencePosition consumed, int target)
    {
        var input = conn.Input;
        input.AdvanceTo(consumed);
        var fd = conn.DetachFd();
        // Whatever arrived between the read above and the detach is in the pipe still: it goes along.
        if (input.TryRead(out var rest) && !rest.Buffer.IsEmpty)
        {
            prefix = [.. prefix, .. rest.Buffer.ToArray()];
            input.AdvanceTo(rest.Buffer.End);
        }
        for (var attempt = 0; attempt < _workers.Length && target >= 0; attempt++)
        {
            var worker = _workers[target];
            if (worker.Alive)
            {
                var status = await worker.Link!.SendAsync(WorkerMessage.Client, prefix, fd);
                if (status == FdSendStatus.Sent)
                {
                    worker.Handed++;
                    IoEngine.CloseFd(fd);
                    return;
                }
            }
            var loads = Loads();
            loads[target] = -1;
            target = _chooser.Choose(null, null, loads);
        }
        _log.Warning("no worker could take a client; closing it");
        IoEngine.CloseFd(fd);
    }
}
