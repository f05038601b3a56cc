// Holds many logged-in idle raw protocol-3 clients (plain sockets, no Npgsql pool), then runs a final query on each.
// Logins and queries run with bounded parallelism and every failure is kept with its reason, so a test can say
// what went wrong (refused, timed out, ErrorResponse text) instead of just timing out.
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pooler.Tests.Load;

internal sealed class IdleClients : IAsyncDisposable
{
    private readonly List<Socket> _sockets;

    private IdleClients(List<Socket> sockets) => _sockets = sockets;

    public int Count => _sockets.Count;

    /// <summary>Outcome of a phase over all clients: how many succeeded, how long it took, failures by reason.</summary>
    public sealed record PhaseResult(int Ok, int Failed, TimeSpan Elapsed, IReadOnlyDictionary<string, int> Reasons)
    {
        public override string ToString() =>
            $"{Ok} ok, {Failed} failed in {Elapsed.TotalSeconds:F1} s" +
            (Reasons.Count == 0 ? "" : "; " + string.Join("; ", Reasons.OrderByDescending(r => r.Value).Take(5).Select(r => $"{r.Value} x {r.Key}")));
    }

    /// <summary>Logs in <paramref name="count"/> clients, at most <paramref name="parallel"/> handshakes at a time,
    /// each bounded by <paramref name="perClient"/>. Clients that failed are closed; the rest are held.</summary>
    public static async Task<(IdleClients Clients, PhaseResult Result)> OpenAsync(
        int port, string user, string database, int count, int parallel, TimeSpan perClient)
    {
        var startup = StartupMessage(user, database);
        var held = new ConcurrentBag<Socket>();
        var reasons = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (_, _) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                using var timeout = new CancellationTokenSource(perClient);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
                    await socket.SendAsync(startup, SocketFlags.None, timeout.Token);
                    var outcome = await ReadUntilReadyAsync(socket, timeout.Token);
                    if (outcome is null)
                    {
                        held.Add(socket);
                        return;
                    }
                    Fail(reasons, "login: " + outcome, socket);
                }
                catch (OperationCanceledException)
                {
                    Fail(reasons, $"login: no ReadyForQuery within {perClient.TotalSeconds:F0} s", socket);
                }
                catch (SocketException e)
                {
                    Fail(reasons, "login: " + e.SocketErrorCode, socket);
                }
            });
        var result = new PhaseResult(held.Count, count - held.Count, clock.Elapsed, reasons);
        return (new IdleClients([.. held]), result);
    }

    /// <summary>Sends "SELECT 1" on every held client (bounded parallelism); a client counts as answered when it got a
    /// DataRow and ReadyForQuery and no ErrorResponse.</summary>
    public async Task<PhaseResult> QueryAllAsync(int parallel, TimeSpan perClient)
    {
        var query = QueryMessage("SELECT 1");
        var reasons = new ConcurrentDictionary<string, int>();
        var ok = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(_sockets, new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (socket, _) =>
            {
                using var timeout = new CancellationTokenSource(perClient);
                try
                {
                    await socket.SendAsync(query, SocketFlags.None, timeout.Token);
                    var outcome = await ReadUntilReadyAsync(socket, timeout.Token, needDataRow: true);
                    if (outcome is null)
                        Interlocked.Increment(ref ok);
                    else
                        reasons.AddOrUpdate("query: " + outcome, 1, (_, n) => n + 1);
                }
                catch (OperationCanceledException)
                {
                    reasons.AddOrUpdate($"query: no answer within {perClient.TotalSeconds:F0} s", 1, (_, n) => n + 1);
                }
                catch (SocketException e)
                {
                    reasons.AddOrUpdate("query: " + e.SocketErrorCode, 1, (_, n) => n + 1);
                }
            });
        return new PhaseResult(ok, _sockets.Count - ok, clock.Elapsed, reasons);
    }

    private static void Fail(ConcurrentDictionary<string, int> reasons, string reason, Socket socket)
    {
        reasons.AddOrUpdate(reason, 1, (_, n) => n + 1);
        socket.Dispose();
    }

    // Reads messages up to ReadyForQuery. Null when all went well, else why not (ErrorResponse text, EOF, no DataRow).
    private static async Task<string?> ReadUntilReadyAsync(Socket socket, CancellationToken ct, bool needDataRow = false)
    {
        var header = new byte[5];
        string? error = null;
        var sawDataRow = false;
        while (true)
        {
            if (!await ReadExactlyAsync(socket, header, ct))
                return error ?? "connection closed by the pooler";
            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4;
            var body = new byte[length];
            if (!await ReadExactlyAsync(socket, body, ct))
                return error ?? "connection closed by the pooler";
            switch ((char)header[0])
            {
                case 'E':
                    error ??= "ErrorResponse " + ErrorText(body);
                    break;
                case 'D':
                    sawDataRow = true;
                    break;
                case 'Z':
                    if (error is not null)
                        return error;
                    return needDataRow && !sawDataRow ? "ReadyForQuery without a DataRow" : null;
            }
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
                return false;
            buffer = buffer[n..];
        }
        return true;
    }

    // The SQLSTATE and message fields of an ErrorResponse body.
    private static string ErrorText(byte[] body)
    {
        string code = "?", message = "?";
        var fields = Encoding.UTF8.GetString(body).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var f in fields)
        {
            if (f[0] == 'C')
                code = f[1..];
            else if (f[0] == 'M')
                message = f[1..];
        }
        return $"{code} {message}";
    }

    private static byte[] StartupMessage(string user, string database)
    {
        var parameters = Encoding.UTF8.GetBytes($"user\0{user}\0database\0{database}\0application_name\0idle-clients\0\0");
        var message = new byte[8 + parameters.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, message.Length);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), 196608);
        parameters.CopyTo(message, 8);
        return message;
    }

    private static byte[] QueryMessage(string sql)
    {
        var text = Encoding.UTF8.GetBytes(sql + "\0");
        var message = new byte[5 + text.Length];
        message[0] = (byte)'Q';
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + text.Length);
        text.CopyTo(message, 5);
        return message;
    }

    public ValueTask DisposeAsync()
    {
        var terminate = new byte[] { (byte)'X', 0, 0, 0, 4 };
        foreach (var socket in _sockets)
        {
            try
            {
                socket.Send(terminate);
            }
            catch (SocketException)
            {
                // Already closed by the pooler; nothing to say goodbye to.
            }
            socket.Dispose();
        }
        _sockets.Clear();
        return ValueTask.CompletedTask;
    }
}
