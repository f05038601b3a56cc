// `pooler config check`: the sample config passes; a broken file lists every error and exits 1.
using Pooler.Cli;

namespace Pooler.Tests.Cli;

public sealed class ConfigCommandTests
{
    [Fact]
    public async Task ConfigCheck_SampleConfig_PrintsSummaryAndExits0()
    {
        var sample = Path.Combine(CliHarness.RepoRoot(), "conf", "pooler.toml");
        var result = await CliHarness.RunAsync(["config", "check", sample]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Contains(": OK", result.Out);
        Assert.Contains("127.0.0.1:6432", result.Out);
        Assert.Contains("0 (single process)", result.Out);
        Assert.Contains("transaction", result.Out);
        Assert.Contains("app -> 127.0.0.1:54329/app (pool_size 20)", result.Out);
        Assert.Contains("\"*\" -> 127.0.0.1:54329", result.Out);
    }

    [Fact]
    public async Task ConfigCheck_WrongTypeUnknownKeyBadPort_ListsAllThreeAndExits1()
    {
        using var dir = new TempDir();
        var file = dir.Write("bad.toml", """
            [pooler]
            auth_type = "trust"
            listen_port = "6432"
            pool_sise = 10

            [databases.app]
            port = 0
            """);
        var result = await CliHarness.RunAsync(["config", "check", file]);
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Empty(result.Out);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"{file}: 3 errors", lines[0]);
        Assert.Equal("pooler.listen_port: expected an integer, got a string (line 3, column 15)", lines[1]);
        Assert.StartsWith("pooler.pool_sise: unknown option", lines[2]);
        Assert.Equal("databases.app.port: must be 1..65535 (line 7, column 8)", lines[3]);
    }

    [Fact]
    public async Task ConfigCheck_DockerConfig_Exits0()
    {
        var file = Path.Combine(CliHarness.RepoRoot(), "docker", "pooler.toml");
        var result = await CliHarness.RunAsync(["config", "check", file]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Contains("*:6432", result.Out);
    }

    [Fact]
    public async Task ConfigCheck_MissingFile_Exits1WithReason()
    {
        var result = await CliHarness.RunAsync(["config", "check", "/nonexistent/pooler.toml"]);
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("cannot read /nonexistent/pooler.toml", result.Error);
    }

    [Fact]
    public async Task ConfigCheck_SyntaxError_ReportsLineAndColumn()
    {
        using var dir = new TempDir();
        var file = dir.Write("syntax.toml", "[pooler]\nlisten_port = = 5\n");
        var result = await CliHarness.RunAsync(["config", "check", file]);
        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("syntax error: ", result.Error);
        Assert.Contains("(line 2, column", result.Error);
    }
}
