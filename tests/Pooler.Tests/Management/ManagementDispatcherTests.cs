// Unit tests of the management request handling over a scripted backend: codes grouped by command, no throws.
using System.Text;
using Pooler.Management;
using Pooler.Stats;

namespace Pooler.Tests.Management;

public sealed class ManagementDispatcherTests
{
    private sealed class ScriptedBackend : IAdminBackend
    {
        public List<AdminCommand> Executed { get; } = [];

        public Task<AdminSnapshot> GetSnapshotAsync() => Task.FromResult(new AdminSnapshot
        {
            Pools = [new PoolInfo { Database = "app", User = "u", ClActive = 3 }],
            Config = [new ConfigItem("default_pool_size", "20", "20", true)],
        });

        public Task<AdminResult> ExecuteAsync(AdminCommand command, AdminActor actor)
        {
            Executed.Add(command);
            return Task.FromResult(command.Database == "missing"
                ? AdminResult.Error(AdminOutcome.NotFound, "pause.not_found", "no such database: missing")
                : AdminResult.Ok(command.Kind.ToString()));
        }
    }

    private readonly ScriptedBackend _backend = new();
    private readonly AdminActor _actor = new("test", "uid 0");

    private ManagementDispatcher Dispatcher => new(_backend, () => new StatsAverages(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60), TimeProvider.System));

    private Task<ManagementResponse> SendAsync(string json) => Dispatcher.HandleAsync(Encoding.UTF8.GetBytes(json), _actor);

    [Fact]
    public async Task HandleAsync_Pools_ResultSnakeCase()
    {
        var response = await SendAsync("""{"version":1,"command":"pools"}""");

        Assert.Equal("ok", response.Outcome);
        Assert.Equal(3, (int)response.Result![0]!["cl_active"]!);
    }

    [Fact]
    public async Task HandleAsync_PauseWithDatabase_CommandValueAndBackendCode()
    {
        var ok = await SendAsync("""{"version":1,"command":"pause","args":{"database":"app"}}""");
        var missing = await SendAsync("""{"version":1,"command":"pause","args":{"database":"missing"}}""");

        Assert.Equal("ok", ok.Outcome);
        Assert.Equal(new AdminCommand(AdminCommandKind.Pause, Database: "app"), _backend.Executed[0]);
        Assert.Equal("not_found", missing.Outcome);
        Assert.Equal("pause.not_found", missing.Code);
    }

    [Theory]
    [InlineData("not json", "request.bad_json")]
    [InlineData("""{"version":1}""", "request.no_command")]
    [InlineData("""{"version":2,"command":"status"}""", "request.bad_version")]
    [InlineData("""{"version":1,"command":"fly"}""", "request.unknown_command")]
    [InlineData("""{"version":1,"command":"kill-client","args":{"id":"x"}}""", "kill-client.bad_id")]
    [InlineData("""{"version":1,"command":"enable"}""", "enable.missing_database")]
    [InlineData("""{"version":1,"command":"config-get","args":{"key":"nope"}}""", "config-get.unknown_key")]
    [InlineData("""{"version":1,"command":"shutdown","args":{"timeout":"soon"}}""", "shutdown.bad_argument")]
    public async Task HandleAsync_BadRequests_ErrorCodeNoThrow(string json, string code)
    {
        var response = await SendAsync(json);

        Assert.NotEqual("ok", response.Outcome);
        Assert.Equal(code, response.Code);
        Assert.Empty(_backend.Executed);
    }
}
