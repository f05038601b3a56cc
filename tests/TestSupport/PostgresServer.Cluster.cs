// The cluster's life: directory, initdb, configuration, postmaster start and stop, roles and database.
using System.Diagnostics;
using System.Text;
using Npgsql;

namespace Pooler.TestSupport;

public sealed partial class PostgresServer
{
    private const int PortAttempts = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // lc_messages=C keeps the readiness line in English; a UTF-8 C locale sorts predictably on every machine.
    private static readonly Dictionary<string, string?> ChildEnvironment = new()
    {
        ["LC_ALL"] = "C",
        ["LANG"] = "C",
        ["PGDATA"] = null,
        ["PGHOST"] = null,
        ["PGPORT"] = null,
    };

    private static string CreateDirectory()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The PostgreSQL test fixture runs on Linux only.");
        var path = System.IO.Path.Combine(StaleServerSweeper.Root, StaleServerSweeper.Prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(System.IO.Path.Combine(path, StaleServerSweeper.OwnerFile), Environment.ProcessId + "\n");
        return path;
    }

    private async Task InitClusterAsync(CancellationToken ct)
    {
        await _account.GiveOwnershipAsync(SocketDir, ct);
        await RunAsAccountAsync(PgTools.Initdb,
            ["-D", DataDir, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], ct);

        // Written by us (maybe as root) into files initdb created, so they keep the server account as owner.
        await File.WriteAllTextAsync(System.IO.Path.Combine(DataDir, "pg_hba.conf"), HbaConf(), ct);
        await File.AppendAllTextAsync(System.IO.Path.Combine(DataDir, "postgresql.conf"), ServerConf(), ct);
    }

    private static string HbaConf()
    {
        var hba = new StringBuilder("# Written by the Pooler test fixture.\nlocal all all trust\n");
        foreach (var network in new[] { "127.0.0.1/32", "::1/128" })
        {
            hba.Append($"host all {Md5User} {network} md5\n");
            hba.Append($"host all {ScramUser} {network} scram-sha-256\n");
            hba.Append($"host all all {network} trust\n");
        }
        return hba.ToString();
    }

    // Port is given on the command line so a restart can keep it and a retry can change it.
    private string ServerConf() => $"""

        # Pooler test fixture
        listen_addresses = '127.0.0.1'
        unix_socket_directories = '{SocketDir}'
        max_connections = 300
        shared_buffers = 32MB
        fsync = off
        synchronous_commit = off
        full_page_writes = off
        lc_messages = 'C'
        log_line_prefix = '%m [%p] %q%u@%d '
        """ + "\n";

    private async Task StartOnFreePortAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var outcome = await TryStartPostmasterAsync(port, ct);
            if (outcome == PostmasterStartOutcome.Ready)
                return;
            if (outcome != PostmasterStartOutcome.PortInUse || attempt == PortAttempts)
                throw new InvalidOperationException($"PostgreSQL did not start ({outcome}). Log tail:\n{_log.Tail()}");
        }
    }

    private async Task<PostmasterStartOutcome> TryStartPostmasterAsync(int port, CancellationToken ct)
    {
        Port = port;
        _log.ResetReady();
        var (file, arguments) = _account.Wrap(PgTools.Postgres, ["-D", DataDir, "-p", port.ToString()]);
        var psi = ProcessRunner.CreateStartInfo(file, arguments, SocketDir, ChildEnvironment);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => _log.Append(e.Data);
        process.ErrorDataReceived += (_, e) => _log.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _postmaster = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        var exited = process.WaitForExitAsync(timeout.Token);
        try
        {
            var first = await Task.WhenAny(_log.Ready, exited);
            await first; // surfaces cancellation
            if (first == _log.Ready)
                return PostmasterStartOutcome.Ready;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await StopPostmasterAsync(CancellationToken.None);
            return PostmasterStartOutcome.TimedOut;
        }
        _postmaster = null;
        process.Dispose();
        return _log.Contains("Address already in use") ? PostmasterStartOutcome.PortInUse : PostmasterStartOutcome.Exited;
    }

    /// <summary>Fast shutdown (SIGINT), escalating to immediate (SIGQUIT) and then SIGKILL if it hangs.</summary>
    private async Task StopPostmasterAsync(CancellationToken ct)
    {
        var process = _postmaster;
        if (process is null)
            return;
        _postmaster = null;
        using (process)
        {
            foreach (var signal in new[] { "INT", "QUIT" })
            {
                if (process.HasExited)
                    return;
                await ProcessRunner.RunAsync("kill", ["-s", signal, process.Id.ToString()], ct: ct);
                try
                {
                    await process.WaitForExitAsync(ct).WaitAsync(StopTimeout, ct);
                    return;
                }
                catch (TimeoutException)
                {
                    // Escalate.
                }
            }
            ProcessRunner.TryKill(process);
            await process.WaitForExitAsync(ct);
        }
    }

    private async Task CreateRolesAndDatabaseAsync(CancellationToken ct)
    {
        await using (var connection = await OpenSuperUserAsync("postgres"))
        {
            foreach (var sql in new[]
                     {
                         $"CREATE ROLE {TrustUser} LOGIN",
                         "SET password_encryption = 'md5'",
                         $"CREATE ROLE {Md5User} LOGIN PASSWORD '{Md5Password}'",
                         "SET password_encryption = 'scram-sha-256'",
                         $"CREATE ROLE {ScramUser} LOGIN PASSWORD '{ScramPassword}'",
                         $"CREATE DATABASE {Database} OWNER {SuperUser}",
                     })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        // Since PostgreSQL 15 only the owner may create in schema public; tests create tables as any role.
        await ExecuteAsync($"GRANT CONNECT ON DATABASE {Database} TO PUBLIC; GRANT CREATE ON SCHEMA public TO PUBLIC");
    }

    private async Task RunAsAccountAsync(string program, IEnumerable<string> arguments, CancellationToken ct)
    {
        var (file, wrapped) = _account.Wrap(program, arguments);
        (await ProcessRunner.RunAsync(file, wrapped, SocketDir, ChildEnvironment, ct: ct)).ThrowIfFailed();
    }

    private void DeleteDirectory()
    {
        try
        {
            Directory.Delete(SocketDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone (the watchdog got there first).
        }
    }
}
