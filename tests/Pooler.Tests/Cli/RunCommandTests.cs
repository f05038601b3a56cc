// `pooler run` in-process with a stand-in host: config errors, config discovery, clean stop, failures, pidfile.
using Pooler.Cli;
using Pooler.Config;

namespace Pooler.Tests.Cli;

public sealed class RunCommandTests
{
    private const string ValidConfig = """
        [pooler]
        auth_type = "trust"
        unix_socket_dir = ""
        workers = 0
        log_level = "debug"
        [databases.app]
        port = 5999
        """;

    [Fact]
    public async Task Run_InvalidConfig_PrintsErrorsAndExits1WithoutStartingHost()
    {
        using var dir = new TempDir();
        var file = dir.Write("bad.toml", "[pooler]\nlisten_port = 0\n");
        var started = false;
        var result = await CliHarness.RunAsync(["run", "-c", file], host: (_, _, _) => { started = true; return Task.CompletedTask; });
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("pooler.listen_port: must be 1..65535 (line 2, column 15)", result.Error);
        Assert.False(started);
    }

    [Fact]
    public async Task Run_NoConfigAndNoEnvironment_Exits2()
    {
        var result = await CliHarness.RunAsync(["run"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("POOLER_CONFIG", result.Error);
    }

    [Fact]
    public async Task Run_ConfigFromEnvironment_PassesItToHost()
    {
        using var dir = new TempDir();
        var file = dir.Write("env.toml", ValidConfig);
        PoolerConfig? seen = null;
        var result = await CliHarness.RunAsync(["run"],
            host: (config, _, _) => { seen = config; return Task.CompletedTask; },
            environment: new Dictionary<string, string> { [RunCommand.ConfigVariable] = file });
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.NotNull(seen);
        Assert.Equal(Path.GetFullPath(file), seen.SourcePath);
        Assert.Equal(5999, seen.Databases["app"].Port);
    }

    [Theory]
    [InlineData("-c")]
    [InlineData("--config")]
    [InlineData("--config=")]
    public async Task Run_ConfigOptionForms_AllAccepted(string form)
    {
        using var dir = new TempDir();
        var file = dir.Write("forms.toml", ValidConfig);
        string[] args = form.EndsWith('=') ? ["run", form + file] : ["run", form, file];
        var result = await CliHarness.RunAsync(args);
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
    }

    [Fact]
    public async Task Run_Cancelled_StopsHostCleanlyAndExits0()
    {
        using var dir = new TempDir();
        var file = dir.Write("run.toml", ValidConfig);
        using var stop = new CancellationTokenSource();
        var hostStarted = new TaskCompletionSource();
        var run = CliHarness.RunAsync(["run", "-c", file], cancellation: stop.Token, host: async (_, log, ct) =>
        {
            log.Information("host up");
            hostStarted.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        await hostStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("INF] pooler 0.", result.Error);
        Assert.Contains("host up", result.Error);
        Assert.Contains("pooler exiting (clean stop)", result.Error);
    }

    [Fact]
    public async Task Run_HostThrows_LogsFatalAndExits1()
    {
        using var dir = new TempDir();
        var file = dir.Write("boom.toml", ValidConfig);
        var result = await CliHarness.RunAsync(["run", "-c", file],
            host: (_, _, _) => throw new InvalidOperationException("listener exploded"));
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("FTL] pooler failed", result.Error);
        Assert.Contains("listener exploded", result.Error);
    }

    [Fact]
    public async Task Run_PidFile_WrittenWhileRunningAndRemovedAfter()
    {
        using var dir = new TempDir();
        var file = dir.Write("pid.toml", ValidConfig.Replace("workers = 0", "workers = 0\npidfile = \"pooler.pid\""));
        var pidFile = Path.Combine(dir.Path, "pooler.pid");
        string? contentWhileRunning = null;
        var result = await CliHarness.RunAsync(["run", "-c", file], host: (_, _, _) =>
        {
            contentWhileRunning = File.ReadAllText(pidFile);
            return Task.CompletedTask;
        });
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(Environment.ProcessId + "\n", contentWhileRunning);
        Assert.False(File.Exists(pidFile));
    }
}
