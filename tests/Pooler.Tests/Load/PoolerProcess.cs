// The real `pooler` executable as a child process (workers = 0, transaction mode, trust) in front of the fixture's
// PostgreSQL. A load test that holds 10,000 clients uses it so the pooler's accepted sockets live in another
// process's descriptor table: this one only has room for the clients (RLIMIT_NOFILE is 20,000 on the CI machine
// and not even root may raise the hard limit there).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pooler.TestSupport;

namespace Pooler.Tests.Load;

internal sealed class PoolerProcess : IAsyncDisposable
{
    /// <summary>pooler.dll is copied next to the test assembly by the project reference.</summary>
    private static readonly string PoolerDll = Path.Combine(AppContext.BaseDirectory, "pooler.dll");

    private readonly Process _process;
    private readonly string _dir;
    private readonly Queue<string> _lastLines = new();

    private PoolerProcess(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The pooler's last log lines (stderr and stdout), for failure messages.</summary>
    public string LastLines()
    {
        lock (_lastLines)
            return string.Join('\n', _lastLines);
    }

    public static async Task<PoolerProcess> StartAsync(PostgresServer pg, int poolSize, int maxClientConn)
    {
        var dir = Directory.CreateTempSubdirectory("pooler-load-").FullName;
        var port = FreePort.Next();
        var config = Path.Combine(dir, "pooler.toml");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            [pooler]
            listen_addr = "127.0.0.1"
            listen_port = {port}
            unix_socket_dir = ""
            workers = 0
            pool_mode = "transaction"
            default_pool_size = {poolSize}
            max_client_conn = {maxClientConn}
            auth_type = "trust"
            log_connections = false
            log_disconnections = false

            [databases.{PostgresServer.Database}]
            host = "{pg.Host}"
            port = {pg.Port}
            """));
        var process = Process.Start(ProcessRunner.CreateStartInfo("dotnet", [PoolerDll, "run", "-c", config]))!;
        var pooler = new PoolerProcess(process, dir, port);
        process.ErrorDataReceived += (_, e) => pooler.Keep(e.Data);
        process.OutputDataReceived += (_, e) => pooler.Keep(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await pooler.WaitListeningAsync(TimeSpan.FromSeconds(60));
        return pooler;
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
                _lastLines.Dequeue();
        }
    }

    private async Task WaitListeningAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"pooler exited with {(_process.HasExited ? _process.ExitCode : 0)} before listening:\n{LastLines()}");
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
                return;
            }
            catch (SocketException) when (clock.Elapsed < limit)
            {
                await Task.Delay(100);
            }
            catch (SocketException e)
            {
                Assert.Fail($"pooler not listening on {Port} after {limit.TotalSeconds:F0} s ({e.SocketErrorCode}):\n{LastLines()}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM first: a clean stop closes the server connections at once instead of leaving them to
                // PostgreSQL's socket timeouts.
                await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort; /tmp is cleaned anyway.
            }
        }
    }
}
