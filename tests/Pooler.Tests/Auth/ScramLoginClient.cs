// A minimal login-only client over a socket bound to a chosen source address (SCRAM, md5 or cleartext answers).
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pooler.Protocol.Auth;

namespace Pooler.Tests.Auth;

/// <summary>
/// Logs in once and reports the outcome: null SQLSTATE on AuthenticationOk, else the ErrorResponse's code and
/// message. Npgsql cannot choose its source address; this can, so tests can play a second client address.
/// </summary>
internal static class ScramLoginClient
{
    public static async Task<(string? SqlState, string? Message)> LoginAsync(IPEndPoint server, IPAddress source, string user,
        string database, string password)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(server);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Startup(user, database));
        ScramClient? scram = null;
        while (true)
        {
            var (code, body) = await ReadAsync(stream);
            if (code == 'E')
                return (Field(body, 'C'), Field(body, 'M'));
            if (code != 'R')
                continue;
            var type = BinaryPrimitives.ReadInt32BigEndian(body);
            switch (type)
            {
                case 0:
                    return (null, null);
                case 3:
                    await stream.WriteAsync(Message('p', Encoding.UTF8.GetBytes(password + "\0")));
                    break;
                case 5:
                    var md5 = Md5Password.ClientResponse(user, password, body.AsSpan(4, 4));
                    await stream.WriteAsync(Message('p', Encoding.UTF8.GetBytes(md5 + "\0")));
                    break;
                case 10:
                    scram = new ScramClient(password);
                    var first = scram.CreateClientFirst(ScramServer.Mechanism);
                    var mech = Encoding.UTF8.GetBytes(ScramServer.Mechanism + "\0");
                    var payload = new byte[mech.Length + 4 + first.Length];
                    mech.CopyTo(payload, 0);
                    BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(mech.Length), first.Length);
                    first.CopyTo(payload, mech.Length + 4);
                    await stream.WriteAsync(Message('p', payload));
                    break;
                case 11:
                    scram!.HandleServerFirst(body.AsSpan(4), out var final);
                    await stream.WriteAsync(Message('p', final));
                    break;
                case 12:
                    break;
                default:
                    throw new InvalidOperationException($"unexpected authentication request {type}");
            }
        }
    }

    private static byte[] Startup(string user, string database)
    {
        var body = Encoding.UTF8.GetBytes($"user\0{user}\0database\0{database}\0\0");
        var packet = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), 3 << 16);
        body.CopyTo(packet, 8);
        return packet;
    }

    private static byte[] Message(char code, byte[] body)
    {
        var packet = new byte[5 + body.Length];
        packet[0] = (byte)code;
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(1), 4 + body.Length);
        body.CopyTo(packet, 5);
        return packet;
    }

    private static async Task<(char Code, byte[] Body)> ReadAsync(NetworkStream stream)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        await stream.ReadExactlyAsync(body);
        return ((char)header[0], body);
    }

    private static string? Field(byte[] body, char type)
    {
        for (var i = 0; i < body.Length && body[i] != 0;)
        {
            var end = Array.IndexOf(body, (byte)0, i + 1);
            if (body[i] == (byte)type)
                return Encoding.UTF8.GetString(body, i + 1, end - i - 1);
            i = end + 1;
        }
        return null;
    }
}
