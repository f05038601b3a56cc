// Accepting clients and passing them on: read the first packet, answer SSLRequest, pick the worker, send the fd.
using System.Buffers;
using Pooler.Config;
using Pooler.Hosting;
using Pooler.Io;
using Pooler.Protocol;
using Pooler.Workers;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    // What Route returns besides a worker id (-1 = no worker can take the client).
    private const int AnswerNo = -2, Drop = -3;

    // The first bytes of the client being handed off (loop thread only): room for the largest startup packet.
    private byte[] _firstBytes = new byte[16 * 1024];

    private Task AcceptLoopAsync(IoListener listener) =>
        ClientAcceptLoop.RunFdsAsync(listener, _log, () => _stopping, HandOff);

    /// <summary>
    /// The usual case, with no pipe, timer or await: the first packet is in the socket already (the listener
    /// defers the accept until the client's first bytes arrive, see tcp_defer_accept), so read it, route it and
    /// pass the fd on: accept4, recv, sendmsg, close. A packet that is not complete yet goes the watched way.
    /// </summary>
    private void HandOff(int fd)
    {
        var max = _config.Pooler.MaxStartupPacketSize;
        if (_firstBytes.Length < max + StartupFrameReader.HeaderLength)
            _firstBytes = new byte[max + StartupFrameReader.HeaderLength];
        var buffer = _firstBytes;
        var length = 0;
        while (true)
        {
            var bytes = new ReadOnlySequence<byte>(buffer, 0, length);
            var status = StartupFrameReader.TryRead(ref bytes, out var frame, out _, max);
            if (status == FrameReadStatus.NeedMoreData)
            {
                var count = 0;
                var read = length == buffer.Length ? FdReadStatus.WouldBlock : IoEngine.TryReceive(fd, buffer.AsSpan(length), out count);
                if (read == FdReadStatus.WouldBlock)
                    break;
                if (read != FdReadStatus.Read)
                {
                    IoEngine.CloseFd(fd);
                    return;
                }
                length += count;
                continue;
            }
            var target = Route(status, frame);
            if (target == Drop)
            {
                IoEngine.CloseFd(fd);
                return;
            }
            if (target == AnswerNo)
            {
                if (!IoEngine.TrySend(fd, "N"u8))
                {
                    IoEngine.CloseFd(fd);
                    return;
                }
                // The request is answered; whatever followed it stays.
                var rest = (int)bytes.Length;
                Buffer.BlockCopy(buffer, length - rest, buffer, 0, rest);
                length = rest;
                continue;
            }
            _ = SendToWorkerAsync(fd, buffer.AsSpan(0, length).ToArray(), target);
            _collector.OnConnectionEvent();
            return;
        }
        // Not all there yet (a slow client, a Unix socket, deferral off): watch it until the packet is complete.
        IoConnection conn;
        try
        {
            conn = _engine.Adopt(fd, buffer.AsSpan(0, length).ToArray());
        }
        catch (IOException)
        {
            IoEngine.CloseFd(fd);
            return;
        }
        _ = HandOffAsync(conn);
    }

    /// <summary>Where the first packet goes: a worker id, -1 when none can take it, <see cref="AnswerNo"/> for an
    /// SSL/GSSENC request to refuse here, <see cref="Drop"/> for a cancel request nobody can act on.</summary>
    private int Route(FrameReadStatus status, in StartupFrame frame)
    {
        if (status == FrameReadStatus.Error)
            return _chooser.Choose(null, null, Loads()); // the worker reports the protocol error
        switch (frame.Kind)
        {
            case StartupFrameKind.SslRequest when _config.Pooler.ClientTlsSslMode != TlsMode.Disable:
                return _chooser.Choose(null, null, Loads()); // the worker answers 'S' and does the handshake
            case StartupFrameKind.SslRequest:
            case StartupFrameKind.GssEncRequest:
                return AnswerNo; // 'N': plain text; the StartupMessage that follows picks the worker
            case StartupFrameKind.CancelRequest:
                CancelRequestMessage.TryParse(frame, out var cancel);
                var target = cancel is null ? -1 : cancel.ProcessId & 0xFF;
                // Its worker is gone, and the query with it: nothing to cancel.
                return target >= 0 && target < _workers.Length && _workers[target].Alive ? target : Drop;
            default:
                StartupMessage.TryParse(frame, out var startup, out _);
                return _chooser.Choose(startup?.EffectiveDatabase, startup?.User, Loads());
        }
    }

    /// <summary>The watched way: read up to the packet that decides the worker, then pass the socket and every byte
    /// read so far.</summary>
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
                var target = Route(status, frame);
                if (target == AnswerNo)
                {
                    input.AdvanceTo(buffer.Start);
                    BackendMessages.WriteEncryptionResponse(conn.Output, accept: false);
                    if ((await conn.Output.FlushAsync()).IsCompleted)
                    {
                        conn.Abort(ShutdownKind.Aborted);
                        return;
                    }
                    continue;
                }
                if (target == Drop)
                {
                    input.AdvanceTo(read.Buffer.End);
                    await conn.DisposeAsync();
                    return;
                }
                var prefix = read.Buffer.ToArray();
                input.AdvanceTo(read.Buffer.End);
                var fd = conn.DetachFd();
                // Whatever arrived between the read above and the detach is in the pipe still: it goes along.
                if (input.TryRead(out var rest) && !rest.Buffer.IsEmpty)
                {
                    prefix = [.. prefix, .. rest.Buffer.ToArray()];
                    input.AdvanceTo(rest.Buffer.End);
                }
                await SendToWorkerAsync(fd, prefix, target);
                _collector.OnConnectionEvent();
                return;
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            conn.Abort(ShutdownKind.Aborted);
        }
    }

    /// <summary>Passes the fd with <paramref name="prefix"/> to <paramref name="target"/>, or to the next worker that
    /// takes it if that one died; closes our copy either way.</summary>
    private async Task SendToWorkerAsync(int fd, byte[] prefix, int target)
    {
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
