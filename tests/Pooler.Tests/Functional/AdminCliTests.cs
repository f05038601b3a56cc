// `pooler admin` against a running pooler through its management socket; the socket's error handling.
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Pooler.Cli;
using Pooler.Tests.Admin;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AdminCliTests(PostgresFixture fixture)
{
    private Task<PoolerHarness> StartAsync() => PoolerHarness.StartAsync(fixture.Server, o => o with { AdminUsers = [PostgresServer.TrustUser] });

    private static string SocketOf(PoolerHarness pooler) => pooler.Instance.Management!.Path;

    private static async Task<(int Exit, string Out, string Err)> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, new CommandContext { Out = stdout, Error = stderr, HandleSignals = false });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Status_Json_ParsesWithClientCount()
    {
        await using var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        await app.ScalarAsync("SELECT 1");

        var (exit, output, error) = await CliAsync("admin", "--socket", SocketOf(pooler), "--json", "status");

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("ok", doc.RootElement.GetProperty("outcome").GetString());
        var result = doc.RootElement.GetProperty("result");
        Assert.Equal(1, result.GetProperty("clients").GetInt32());
        // Npgsql's own type loading on open counts as well: at least our one.
        Assert.True(result.GetProperty("totals").GetProperty("xact_count").GetInt64() >= 1);
        Assert.Equal(1, result.GetProperty("workers").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task Pools_AgreesWithShowPools()
    {
        await using var pooler = await StartAsync();
        await using var a = await pooler.OpenAsync();
        await using var b = await pooler.OpenAsync();
        await a.ExecAsync("BEGIN");
        await a.ScalarAsync("SELECT 1");
        await b.ScalarAsync("SELECT 1");
        var (console, _) = await AdminClient.ConnectAsync(pooler.TcpEndPoint, PostgresServer.TrustUser);
        await using var _console = console;

        var show = (await console.QueryAsync("SHOW POOLS")).Records.Single(r => r["database"] == PostgresServer.Database);
        var (exit, output, error) = await CliAsync("admin", "--socket", SocketOf(pooler), "--json", "pools");
        var (humanExit, human, _) = await CliAsync("admin", "--socket", SocketOf(pooler), "pools");

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var pool = doc.RootElement.GetProperty("result").EnumerateArray().Single(p => p.GetProperty("database").GetString() == PostgresServer.Database);
        foreach (var column in new[] { "cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_login" })
            Assert.Equal(show[column], pool.GetProperty(column).GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1", show["sv_active"]);
        Assert.Equal(0, humanExit);
        Assert.Contains("cl_active", human, StringComparison.Ordinal);
        Assert.Contains(PostgresServer.Database, human, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Pause_UnknownDatabase_ExitOneWithGroupedCode()
    {
        await using var pooler = await StartAsync();

        var (exit, output, _) = await CliAsync("admin", "--socket", SocketOf(pooler), "--json", "pause", "nope");
        var (usage, _, _) = await CliAsync("admin", "--socket", SocketOf(pooler), "kill-client", "abc");

        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("not_found", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("pause.not_found", doc.RootElement.GetProperty("code").GetString());
        Assert.Equal(2, usage);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("admin: Pause", StringComparison.Ordinal) && l.Contains("uid", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task ConfigSet_LiveAndRestartOnly_SaidPlainly()
    {
        await using var pooler = await StartAsync();

        var (ok, _, _) = await CliAsync("admin", "--socket", SocketOf(pooler), "config", "set", "default_pool_size", "9");
        var (got, value, _) = await CliAsync("admin", "--socket", SocketOf(pooler), "config", "get", "default_pool_size");
        var (restart, _, error) = await CliAsync("admin", "--socket", SocketOf(pooler), "config", "set", "listen_port", "7");

        Assert.Equal(0, ok);
        Assert.Equal(0, got);
        Assert.Contains("default_pool_size | 9", value, StringComparison.Ordinal);
        Assert.Equal(1, restart);
        Assert.Contains("restart required", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Socket_BadFramesAndUnknownCommand_ErrorAnswersNoCrash()
    {
        await using var pooler = await StartAsync();

        var garbage = await RawAsync(SocketOf(pooler), Encoding.UTF8.GetBytes("{not json"));
        var unknown = await RawAsync(SocketOf(pooler), Encoding.UTF8.GetBytes("""{"version":1,"command":"explode"}"""));
        var version = await RawAsync(SocketOf(pooler), Encoding.UTF8.GetBytes("""{"version":9,"command":"status"}"""));
        var oversized = await RawAsync(SocketOf(pooler), null, declaredLength: int.MaxValue);

        Assert.Equal("request.bad_json", garbage.GetProperty("code").GetString());
        Assert.Equal("request.unknown_command", unknown.GetProperty("code").GetString());
        Assert.Equal("request.bad_version", version.GetProperty("code").GetString());
        Assert.Equal("request.bad_frame", oversized.GetProperty("code").GetString());
        var (exit, _, _) = await CliAsync("admin", "--socket", SocketOf(pooler), "status");
        Assert.Equal(0, exit);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketOf(pooler)));
    }

    private static async Task<JsonElement> RawAsync(string path, byte[]? payload, int? declaredLength = null)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, declaredLength ?? payload!.Length);
        await socket.SendAsync(header);
        if (payload is not null)
            await socket.SendAsync(payload);
        await using var stream = new NetworkStream(socket);
        var answer = await Pooler.Management.ManagementProtocol.ReadFrameAsync(stream);
        return JsonDocument.Parse(answer!).RootElement.Clone();
    }

    [Fact(Timeout = 90_000)]
    public async Task Shutdown_Graceful_WaitsForTransactionThenStops()
    {
        var pooler = await StartAsync();
        await using var app = await pooler.OpenAsync();
        await app.ExecAsync("BEGIN");
        await app.ScalarAsync("SELECT 1");

        var cli = CliAsync("admin", "--socket", SocketOf(pooler), "shutdown", "--graceful", "--timeout", "30");
        await WaitForAsync(() => pooler.Log.Lines.Any(l => l.Contains("admin: Shutdown", StringComparison.Ordinal)));
        Assert.False(cli.IsCompleted);
        Assert.Equal(2, await app.ScalarAsync("SELECT 2"));
        await app.ExecAsync("COMMIT");

        var (exit, _, error) = await cli;
        Assert.True(exit == 0, error);
        Assert.True(pooler.Instance.Stopped.IsCompleted);
        await pooler.DisposeAsync();
    }

    private static async Task WaitForAsync(Func<bool> condition, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not reached in time");
            await Task.Delay(50);
        }
    }
}
