// The real `pooler` executable as a child process: --version, and `run` stopped by SIGTERM with exit code 0.
using System.Diagnostics;
using Pooler.TestSupport;

namespace Pooler.Tests.Cli;

public sealed class ProcessSmokeTests
{
    /// <summary>pooler.dll is copied next to the test assembly by the project reference.</summary>
    private static readonly string PoolerDll = Path.Combine(AppContext.BaseDirectory, "pooler.dll");

    [Fact]
    public async Task Process_Version_PrintsVersionAndExits0()
    {
        var result = await ProcessRunner.RunAsync("dotnet", [PoolerDll, "--version"]);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("pooler ", result.StdOut);
    }

    [Fact]
    public async Task Process_UnknownCommand_Exits2()
    {
        var result = await ProcessRunner.RunAsync("dotnet", [PoolerDll, "nonsense"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage:", result.StdErr);
    }

    [Fact]
    public async Task Process_RunThenSigterm_StopsCleanlyWithExit0()
    {
        using var dir = new TempDir();
        var config = dir.Write("pooler.toml", $"""
            [pooler]
            auth_type = "trust"
            listen_port = {FreePort.Next()}
            unix_socket_dir = ""
            workers = 0
            ev_backend = "portable"
            [databases.app]
            port = 1
            """);
        var psi = ProcessRunner.CreateStartInfo("dotnet", [PoolerDll, "run", "-c", config]);
        using var process = Process.Start(psi)!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (stderr)
                stderr.AppendLine(e.Data);
            if (e.Data.Contains(" starting with ", StringComparison.Ordinal))
                started.TrySetResult();
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(started.Task, exited).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first == started.Task, "pooler exited before starting:\n" + stderr);

            var kill = await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(0, kill.ExitCode);
            await exited.WaitAsync(TimeSpan.FromSeconds(60));
            process.WaitForExit(); // drains the asynchronous stderr reader
            await stdout;
            lock (stderr)
            {
                Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{stderr}");
                Assert.Contains("pooler exiting (clean stop)", stderr.ToString());
            }
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
