// The `pooler` command line in-process: global flags, dispatch, usage errors and exit codes.
using Pooler.Cli;

namespace Pooler.Tests.Cli;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--version")]
    [InlineData("-V")]
    public async Task RunAsync_Version_PrintsPoolerVersionAndExits0(string flag)
    {
        var result = await CliHarness.RunAsync([flag]);
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Matches(@"^pooler \d+\.\d+\.\d+\n$", result.Out.Replace("\r", ""));
        Assert.Empty(result.Error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task RunAsync_Help_ListsEverySubcommandOnStdout(string flag)
    {
        var result = await CliHarness.RunAsync([flag]);
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("pooler run [-c FILE]", result.Out);
        Assert.Contains("pooler config check FILE", result.Out);
        Assert.Contains("pooler --version", result.Out);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task RunAsync_HelpForCommand_PrintsThatCommandsHelp()
    {
        var viaHelp = await CliHarness.RunAsync(["help", "run"]);
        var viaFlag = await CliHarness.RunAsync(["run", "--help"]);
        Assert.Equal(ExitCodes.Ok, viaHelp.ExitCode);
        Assert.Contains("POOLER_CONFIG", viaHelp.Out);
        Assert.Equal(viaHelp.Out, viaFlag.Out);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--bogus")]
    [InlineData("help", "nothing")]
    [InlineData("--version", "extra")]
    [InlineData("config")]
    [InlineData("config", "lint", "x.toml")]
    [InlineData("config", "check")]
    [InlineData("config", "check", "a.toml", "b.toml")]
    [InlineData("run", "--port", "1")]
    [InlineData("run", "-c")]
    public async Task RunAsync_WrongCommandLine_PrintsUsageToStderrAndExits2(params string[] args)
    {
        var result = await CliHarness.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("pooler: ", result.Error);
        Assert.Contains("Usage:", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task RunAsync_NoArguments_Exits2()
    {
        var result = await CliHarness.RunAsync([]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("no command given", result.Error);
    }

    [Fact]
    public void Run_SyncEntryPoint_ReturnsExitCode()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.Usage, CommandLine.Run(["nope"], stdout, stderr));
        Assert.Equal(ExitCodes.Ok, CommandLine.Run(["--version"], stdout, stderr));
    }
}
