// Holds many logged-in idle clients in a child python3 process (its own fd table), then runs a final query on each.
using System.Diagnostics;
using System.Globalization;

namespace Pooler.Tests.Load;

internal sealed class IdleClients : IAsyncDisposable
{
    // Logs in `count` raw protocol-3 clients in batches, prints "ready N", waits for a line on stdin, sends
    // "SELECT 1" on every client in batches and prints "answered N" (clients that got a DataRow and ReadyForQuery).
    private const string Script = """
import socket, struct, sys
port, user, db, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
def startup():
    body = struct.pack('!i', 196608) + b'user\0' + user.encode() + b'\0database\0' + db.encode() + b'\0\0'
    return struct.pack('!i', len(body) + 4) + body
def read_until_z(s, buf):
    seen = set()
    while True:
        while len(buf) >= 5:
            code = buf[0:1]; n = struct.unpack('!i', buf[1:5])[0]
            if len(buf) < n + 1: break
            buf = buf[n + 1:]; seen.add(code)
            if code == b'Z': return seen, buf
        chunk = s.recv(65536)
        if not chunk: return seen | {b'EOF'}, buf
        buf += chunk
socks = []
batch = 200
for i in range(0, count, batch):
    group = []
    for _ in range(min(batch, count - i)):
        s = socket.create_connection(('127.0.0.1', port)); s.settimeout(60); s.sendall(startup()); group.append(s)
    for s in group:
        seen, _ = read_until_z(s, b'')
        if b'E' in seen or b'EOF' in seen: print('login failed', flush=True); sys.exit(1)
    socks += group
print('ready', len(socks), flush=True)
sys.stdin.readline()
q = b'SELECT 1\0'; msg = b'Q' + struct.pack('!i', len(q) + 4) + q
ok = 0
for i in range(0, len(socks), batch):
    group = socks[i:i + batch]
    for s in group: s.sendall(msg)
    for s in group:
        seen, _ = read_until_z(s, b'')
        if b'D' in seen and b'Z' in seen and b'E' not in seen: ok += 1
print('answered', ok, flush=True)
sys.stdin.readline()
""";

    private readonly Process _process;
    private readonly string _scriptPath;

    private IdleClients(Process process, string scriptPath)
    {
        _process = process;
        _scriptPath = scriptPath;
    }

    public static async Task<IdleClients> StartAsync(int port, string user, string database, int count)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pooler-idle-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(path, Script);
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { path, port.ToString(CultureInfo.InvariantCulture), user, database, count.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var clients = new IdleClients(process, path);
        var line = await clients.ReadLineAsync();
        Assert.True(line == $"ready {count}", $"idle clients: {line} {await process.StandardError.ReadToEndAsync()}");
        return clients;
    }

    /// <summary>Sends a final query on every idle client; returns how many answered it.</summary>
    public async Task<int> QueryAllAsync()
    {
        await _process.StandardInput.WriteLineAsync();
        await _process.StandardInput.FlushAsync();
        var line = await ReadLineAsync();
        Assert.True(line?.StartsWith("answered ", StringComparison.Ordinal) == true, $"idle clients: {line}");
        return int.Parse(line!["answered ".Length..], CultureInfo.InvariantCulture);
    }

    private async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await _process.StandardOutput.ReadLineAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        File.Delete(_scriptPath);
    }
}
