// One end of a supervisor ↔ worker socketpair: sends queued in order (FdChannel allows one at a time).
using Pooler.Io;

namespace Pooler.Workers;

/// <summary>Serialises sends on an <see cref="FdChannel"/>; loop thread only.</summary>
internal sealed class WorkerLink(FdChannel channel) : IDisposable
{
    private Task _tail = Task.CompletedTask;

    public FdChannel Channel => channel;

    public bool Closed { get; private set; }

    /// <summary>Send <paramref name="kind"/> + <paramref name="payload"/>, with <paramref name="fd"/> when &gt;= 0.
    /// Completes with the status once this message went out (after every message queued before it).</summary>
    public Task<FdSendStatus> SendAsync(WorkerMessage kind, ReadOnlyMemory<byte> payload = default, int fd = -1)
    {
        var message = new byte[1 + payload.Length];
        message[0] = (byte)kind;
        payload.Span.CopyTo(message.AsSpan(1));
        var previous = _tail;
        var send = SendAfterAsync(previous, message, fd);
        _tail = send;
        return send;
    }

    private async Task<FdSendStatus> SendAfterAsync(Task previous, byte[] message, int fd)
    {
        await previous;
        if (Closed)
            return FdSendStatus.Closed;
        var status = await channel.SendAsync(fd, message);
        if (status == FdSendStatus.Closed)
            Closed = true;
        return status;
    }

    public ValueTask<FdMessage> ReceiveAsync() => channel.ReceiveAsync();

    public static byte[] Mask(long mask, string? key = null)
    {
        var keyBytes = key is null ? [] : System.Text.Encoding.UTF8.GetBytes(key);
        var bytes = new byte[8 + keyBytes.Length];
        BitConverter.TryWriteBytes(bytes, mask);
        keyBytes.CopyTo(bytes, 8);
        return bytes;
    }

    public void Dispose()
    {
        Closed = true;
        channel.Dispose();
    }
}
