// `pooler bench` argument parsing: every option, the environment defaults, and mistakes as exit code 2.
using Pooler.Bench;
using Pooler.Tests.Cli;

namespace Pooler.Tests.Bench;

public sealed class BenchArgsTests
{
    private static BenchOptions Parse(params string[] args) => Parse(new Dictionary<string, string>(), args);

    private static BenchOptions Parse(Dictionary<string, string> env, params string[] args)
    {
        var (options, error) = BenchArgs.Parse(args, name => env.GetValueOrDefault(name));
        Assert.True(options is not null, error);
        return options!;
    }

    [Fact]
    public void Parse_EveryOption_Applied()
    {
        var o = Parse("-h", "db.example", "-p", "6432", "-U", "alice", "-d", "app", "-c", "8", "-j", "2", "-T", "30",
            "-C", "--mode", "prepared", "-b", "tpcb-like", "-s", "3", "-R", "500.5", "-P", "2", "--json", "--io-backend", "epoll");

        Assert.Equal("db.example", o.Host);
        Assert.Equal(6432, o.Port);
        Assert.Equal("alice", o.User);
        Assert.Equal("app", o.Database);
        Assert.Equal(8, o.Clients);
        Assert.Equal(2, o.Threads);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Duration);
        Assert.True(o.ConnectPerTransaction);
        Assert.Equal(QueryMode.Prepared, o.Mode);
        Assert.Equal(BuiltinScripts.TpcbLike, o.Builtin);
        Assert.Equal(3, o.Scale);
        Assert.Equal(500.5, o.Rate);
        Assert.Equal(2.0, o.ProgressInterval);
        Assert.True(o.Json);
        Assert.Equal(Pooler.Io.EvBackend.Epoll, o.Backend);
        Assert.False(o.Initialize);
    }

    [Fact]
    public void Parse_AttachedAndLongForms_SameAsSeparate()
    {
        var o = Parse("-c4", "-j2", "--transactions=7", "--protocol=extended", "-Mextended", "--file", "x.sql", "-i", "mydb");

        Assert.Equal(4, o.Clients);
        Assert.Equal(2, o.Threads);
        Assert.Equal(7, o.TransactionsPerClient);
        Assert.Null(o.Duration);
        Assert.Equal(QueryMode.Extended, o.Mode);
        Assert.Equal("x.sql", o.ScriptFile);
        Assert.True(o.Initialize);
        Assert.Equal("mydb", o.Database);
    }

    [Fact]
    public void Parse_Environment_GivesDefaultsAndPassword()
    {
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = "/tmp/sock", ["PGPORT"] = "7000", ["PGUSER"] = "bob", ["PGPASSWORD"] = "pw",
        };

        var o = Parse(env, "-S");

        Assert.Equal("/tmp/sock", o.Host);
        Assert.True(o.IsUnixSocket);
        Assert.Equal(7000, o.Port);
        Assert.Equal("bob", o.User);
        Assert.Equal("bob", o.Database);                      // like libpq: the database defaults to the user
        Assert.Equal("pw", o.Password);
        Assert.Equal(BuiltinScripts.SelectOnly, o.Builtin);
    }

    [Fact]
    public void Parse_MoreThreadsThanClients_ThreadsCapped()
    {
        var o = Parse("-c", "2", "-j", "8");

        Assert.Equal(2, o.Threads);
    }

    [Fact]
    public void Parse_BuiltinPrefix_Resolved()
    {
        Assert.Equal(BuiltinScripts.SelectOnly, Parse("-b", "select").Builtin);
        Assert.Equal(BuiltinScripts.SimpleUpdate, Parse("-N").Builtin);
    }

    [Theory]
    [InlineData("invalid number of clients", "-c", "0")]
    [InlineData("invalid number of clients", "-c", "many")]
    [InlineData("invalid number of threads", "-j", "-1")]
    [InlineData("invalid duration", "-T", "0")]
    [InlineData("invalid number of transactions", "-t", "x")]
    [InlineData("either a number of transactions", "-t", "5", "-T", "5")]
    [InlineData("invalid query mode", "--mode", "fast")]
    [InlineData("invalid query mode", "-M", "1")]
    [InlineData("unknown builtin script", "-b", "nope")]
    [InlineData("invalid scale factor", "-s", "0")]
    [InlineData("invalid rate", "-R", "0")]
    [InlineData("invalid rate", "-R", "abc")]
    [InlineData("invalid progress interval", "-P", "-2")]
    [InlineData("invalid port", "-p", "70000")]
    [InlineData("invalid io backend", "--io-backend", "kqueue")]
    [InlineData("needs a value", "-c")]
    [InlineData("unknown option", "--frobnicate")]
    [InlineData("unexpected argument", "db1", "db2")]
    public async Task Execute_BadArgument_Exit2WithMessage(string expected, params string[] args)
    {
        var result = await CliHarness.RunAsync(["bench", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task Execute_MissingScriptFile_Exit2()
    {
        var result = await CliHarness.RunAsync(["bench", "-f", "/nonexistent/script.sql"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not found", result.Error);
    }

    [Fact]
    public async Task Execute_BadScript_Exit2WithLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.sql", "\\set x random(1,\nSELECT 1;\n");

        var result = await CliHarness.RunAsync(["bench", "-f", path]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 1", result.Error);
    }

    [Fact]
    public async Task Execute_Help_ListsOptions()
    {
        var result = await CliHarness.RunAsync(["help", "bench"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--mode MODE", result.Out);
        Assert.Contains("pooler bench", (await CliHarness.RunAsync(["--help"])).Out);
    }
}
