// The real `pooler` executable with workers > 0 as a child process, in front of the fixture's PostgreSQL.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Tests.Workers;

/// <summary>
/// Starts `dotnet pooler.dll run -c FILE` (workers read the same file), collects stderr (supervisor and workers
/// share it), and knows the pids of the supervisor and of each worker from the log.
/// </summary>
internal sealed partial class PoolerProcess : IAsyncDisposable
{
    private static readonly string PoolerDll = Path.Combine(AppContext.BaseDirectory, "pooler.dll");
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Found)> _watchers = [];
    private readonly Dictionary<int, int> _workerPids = [];
    private readonly Dictionary<int, TaskCompletionSource<int>> _started = [];
    private readonly Process _process;

    private PoolerProcess(Process process, string configPath, int port, string dir)
    {
        _process = process;
        ConfigPath = configPath;
        Port = port;
        Dir = dir;
    }

    public string ConfigPath { get; }

    public int Port { get; }

    public string Dir { get; }

    public int Pid => _process.Id;

    public Process Process => _process;

    public static string Toml(PostgresServer pg, int port, int workers, int poolSize, string extra = "", string authType = "trust") => $"""
        [pooler]
        listen_addr = "127.0.0.1"
        listen_port = {port}
        unix_socket_dir = ""
        workers = {workers}
        auth_type = "{authType}"
        pool_mode = "transaction"
        default_pool_size = {poolSize}
        max_client_conn = 1000
        shutdown_timeout = 20
        query_wait_timeout = 60
        log_level = "info"
        {extra}
        [databases.{PostgresServer.Database}]
        host = "{pg.Host}"
        port = {pg.Port}
        """;

    /// <param name="env">Extra environment for the supervisor (workers inherit it), e.g. test hooks.</param>
    /// <param name="waitFor">The workers that must be running before this returns (default: all).</param>
    /// <param name="ignoredSignals">Signals the pooler inherits as ignored (`sh` trap names, e.g. "INT HUP"), as a
    /// background job of a script or a `nohup` start leaves them.</param>
    public static async Task<PoolerProcess> StartAsync(PostgresServer pg, int workers = 2, int poolSize = 10, string extra = "",
        string authType = "trust", IReadOnlyDictionary<string, string>? env = null, IReadOnlyList<int>? waitFor = null,
        string? ignoredSignals = null)
    {
        var dir = Directory.CreateTempSubdirectory("pooler-workers-").FullName;
        var port = FreePort.Next();
        var config = Path.Combine(dir, "pooler.toml");
        await File.WriteAllTextAsync(config, Toml(pg, port, workers, poolSize, extra, authType));
        // exec keeps the pid, so Pid and signals still reach the supervisor itself.
        var psi = ignoredSignals is null
            ? ProcessRunner.CreateStartInfo("dotnet", [PoolerDll, "run", "-c", config])
            : ProcessRunner.CreateStartInfo("sh", ["-c", $"trap '' {ignoredSignals}; exec \"$@\"", "sh", "dotnet", PoolerDll, "run", "-c", config]);
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
            psi.Environment[name] = value;
        var process = Process.Start(psi)!;
        var p = new PoolerProcess(process, config, port, dir);
        for (var i = 0; i < workers; i++)
            p.StartedTask(i);
        process.ErrorDataReceived += (_, e) => p.OnLine(e.Data);
        process.OutputDataReceived += (_, e) => p.OnLine(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var all = Task.WhenAll((waitFor ?? Enumerable.Range(0, workers).ToList()).Select(p.WorkerRunningAsync));
        var first = await Task.WhenAny(all, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(60));
        if (first != all)
            throw new InvalidOperationException("pooler exited before its workers ran:\n" + p.Log);
        await p.WaitConnectableAsync();
        return p;
    }

    public string Log
    {
        get
        {
            lock (_lines)
                return string.Join('\n', _lines);
        }
    }

    /// <summary>Log lines matching <paramref name="pattern"/>, in order.</summary>
    public IReadOnlyList<string> LogLines(string pattern)
    {
        lock (_lines)
            return [.. _lines.Where(l => Regex.IsMatch(l, pattern))];
    }

    /// <summary>The first line matching <paramref name="pattern"/>, already seen or when it comes.</summary>
    public Task<string> WaitForLineAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(regex.IsMatch) is { } seen)
                return Task.FromResult(seen);
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((regex, found));
            return found.Task.WaitAsync(timeout);
        }
    }

    public bool LogContains(string text)
    {
        lock (_lines)
            return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"worker (\d+) running \(pid (\d+)\)")]
    private static partial Regex RunningLine();

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
        {
            _lines.Add(line);
            _watchers.RemoveAll(w => w.Pattern.IsMatch(line) && w.Found.TrySetResult(line));
            var m = RunningLine().Match(line);
            if (m.Success)
            {
                var id = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                var pid = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                _workerPids[id] = pid;
                StartedTask(id).TrySetResult(pid);
            }
        }
    }

    private TaskCompletionSource<int> StartedTask(int id)
    {
        lock (_started)
        {
            if (!_started.TryGetValue(id, out var tcs) || (tcs.Task.IsCompleted && !_workerPids.ContainsKey(id)))
            {
                tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                _started[id] = tcs;
            }
            return tcs;
        }
    }

    /// <summary>The pid of worker <paramref name="id"/> once it runs.</summary>
    public Task<int> WorkerRunningAsync(int id) => StartedTask(id).Task;

    /// <summary>Forget worker <paramref name="id"/>'s pid, so <see cref="WorkerRunningAsync"/> waits for its restart.</summary>
    public void ExpectRestart(int id)
    {
        lock (_lines)
            lock (_started)
            {
                _workerPids.Remove(id);
                _started[id] = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
    }

    public async Task WaitConnectableAsync(int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                await using var c = await OpenAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public string ConnectionString(string user = PostgresServer.TrustUser) =>
        new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString("127.0.0.1", Port, user, null, PostgresServer.Database))
        {
            Pooling = false,
            Timeout = 15,
            CommandTimeout = 60,
        }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(string user = PostgresServer.TrustUser)
    {
        var c = new NpgsqlConnection(ConnectionString(user));
        await c.OpenAsync();
        return c;
    }

    public static async Task SignalAsync(int pid, string signal)
    {
        var kill = await ProcessRunner.RunAsync("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill -{signal} {pid}: {kill.StdErr}");
    }

    /// <summary>Alive = the process exists and is not a zombie (an exited child not yet reaped).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].TrimStart()[0];
            return state != 'Z' && state != 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync(_process.Id, "INT");
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        int[] pids;
        lock (_lines)
            pids = [.. _workerPids.Values];
        foreach (var pid in pids)
        {
            try
            {
                using var w = Process.GetProcessById(pid);
                w.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone, as it should be.
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
