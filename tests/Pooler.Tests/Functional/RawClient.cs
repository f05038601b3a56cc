// A hand-driven protocol client on a plain socket, for inputs no driver would send.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pooler.Tests.Functional;

internal sealed class RawClient : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public static async Task<RawClient> ConnectAsync(EndPoint endPoint)
    {
        var c = new RawClient();
        await c._socket.ConnectAsync(endPoint);
        return c;
    }

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes.AsMemory());

    public static byte[] Startup(string user, string database) => Startup(user, database, 3 << 16);

    /// <summary>A StartupMessage with any version number and extra parameters (e.g. <c>_pq_.</c> protocol options).</summary>
    public static byte[] Startup(string user, string database, int version, params (string Name, string Value)[] extra)
    {
        var text = new StringBuilder($"user\0{user}\0database\0{database}\0");
        foreach (var (name, value) in extra)
            text.Append(name).Append('\0').Append(value).Append('\0');
        var body = Encoding.UTF8.GetBytes(text.Append('\0').ToString());
        var packet = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), version);
        body.CopyTo(packet, 8);
        return packet;
    }

    public static byte[] Query(string sql)
    {
        var text = Encoding.UTF8.GetBytes(sql + "\0");
        var packet = new byte[5 + text.Length];
        packet[0] = (byte)'Q';
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(1), 4 + text.Length);
        text.CopyTo(packet, 5);
        return packet;
    }

    /// <summary>Read typed messages until one with <paramref name="code"/>; null on EOF first.</summary>
    public async Task<(byte Code, byte[] Body)?> ReadUntilAsync(char code)
    {
        while (await ReadMessageAsync() is { } m)
        {
            if (m.Code == (byte)code)
                return m;
        }
        return null;
    }

    public async Task<(byte Code, byte[] Body)?> ReadMessageAsync()
    {
        var header = new byte[5];
        if (!await ReadExactlyAsync(header))
            return null;
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        if (!await ReadExactlyAsync(body))
            return null;
        return (header[0], body);
    }

    /// <summary>The SQLSTATE of the next ErrorResponse, or null when the connection closes without one.</summary>
    public async Task<string?> ReadErrorCodeAsync()
    {
        if (await ReadUntilAsync('E') is not { } error)
            return null;
        var fields = error.Body;
        for (var i = 0; i < fields.Length && fields[i] != 0;)
        {
            var end = Array.IndexOf(fields, (byte)0, i + 1);
            if (fields[i] == (byte)'C')
                return Encoding.UTF8.GetString(fields, i + 1, end - i - 1);
            i = end + 1;
        }
        return "";
    }

    /// <summary>True when the peer closed the connection (EOF) within the socket's receive wait.</summary>
    public async Task<bool> IsClosedByPeerAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer);
                if (n == 0)
                    return true;
            }
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer.AsMemory(got));
            }
            catch (SocketException)
            {
                return false;
            }
            if (n == 0)
                return false;
            got += n;
        }
        return true;
    }

    /// <summary>Close abruptly (RST), as a crashing client would.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
