// Log lines: level filtering from log_level, connection id first when present, logfile appended.
using Pooler.Config;
using Pooler.Logging;

namespace Pooler.Tests.Cli;

public sealed class LogSetupTests
{
    [Fact]
    public void Create_WithConnProperty_PrintsConnIdBeforeMessage()
    {
        var output = new StringWriter();
        using (var log = LogSetup.Create(new PoolerOptions(), output))
        {
            log.ForContext(LogSetup.ConnProperty, "c42").Information("client {User} logged in", "alice");
            log.Information("no connection here");
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\.\d{3} INF\] c42 client alice logged in", lines[0]);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\.\d{3} INF\] no connection here", lines[1]);
    }

    [Fact]
    public void Create_LogLevelWarning_DropsInfoAndDebug()
    {
        var output = new StringWriter();
        using (var log = LogSetup.Create(new PoolerOptions { LogLevel = PoolerLogLevel.Warning }, output))
        {
            log.Debug("debug line");
            log.Information("info line");
            log.Warning("warning line");
        }
        var text = output.ToString();
        Assert.DoesNotContain("debug line", text);
        Assert.DoesNotContain("info line", text);
        Assert.Contains("WRN] warning line", text);
    }

    [Fact]
    public void Create_WithLogFile_AppendsToFileToo()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "pooler.log");
        File.WriteAllText(file, "earlier line\n");
        using (var log = LogSetup.Create(new PoolerOptions { LogFile = file }, new StringWriter()))
            log.Error("disk line");
        var text = File.ReadAllText(file);
        Assert.StartsWith("earlier line\n", text);
        Assert.Contains("ERR] disk line", text);
    }
}
