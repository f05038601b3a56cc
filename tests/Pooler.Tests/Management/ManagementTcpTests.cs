// The TCP management port: SCRAM-SHA-256 against admin_users before any command, from the CLI and on the wire.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Pooler.Cli;
using Pooler.Management;
using Pooler.Tests.Functional;
using Pooler.TestSupport;

namespace Pooler.Tests.Management;

[Collection(PostgresCollection.Name)]
public sealed class ManagementTcpTests(PostgresFixture fixture) : IDisposable
{
    private const string Admin = "mgmt_admin", Password = "s3cret pass", Other = "mgmt_other";

    private readonly string _authFile = Path.Combine(Directory.CreateTempSubdirectory("pooler-mgmt-tcp-").FullName, "userlist.txt");

    private async Task<(PoolerHarness Pooler, int Port)> StartAsync()
    {
        await File.WriteAllTextAsync(_authFile, $"\"{Admin}\" \"{Password}\"\n\"{Other}\" \"{Password}\"\n");
        var port = FreePort.Next();
        var pooler = await PoolerHarness.StartAsync(fixture.Server, o => o with
        {
            AdminUsers = [Admin],
            AuthFile = _authFile,
            ManagementPort = port,
        });
        return (pooler, port);
    }

    /// <summary>`pooler admin --host 127.0.0.1 --port PORT --user USER ARGS` with the password in POOLER_ADMIN_PASSWORD.</summary>
    internal static async Task<(int Exit, string Out, string Err)> CliAsync(int port, string user, string? password, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(["admin", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", user, .. args],
            new CommandContext
            {
                Out = stdout,
                Error = stderr,
                HandleSignals = false,
                GetEnvironmentVariable = name => name == "POOLER_ADMIN_PASSWORD" ? password : null,
            });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Cli_RightPassword_RunsCommand()
    {
        var (pooler, port) = await StartAsync();
        await using var _pooler = pooler;

        var (exit, output, error) = await CliAsync(port, Admin, Password, "--json", "status");
        var (pause, _, pauseError) = await CliAsync(port, Admin, Password, "pause", PostgresServer.Database);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("ok", doc.RootElement.GetProperty("outcome").GetString());
        Assert.True(pause == 0, pauseError);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("admin: Pause", StringComparison.Ordinal) && l.Contains(Admin + "@127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains(Password, StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Cli_WrongPasswordOrNotAdmin_AuthErrorExitOne()
    {
        var (pooler, port) = await StartAsync();
        await using var _pooler = pooler;

        var (wrong, _, wrongError) = await CliAsync(port, Admin, "not it", "status");
        var (other, _, otherError) = await CliAsync(port, Other, Password, "status");
        var (unknown, _, _) = await CliAsync(port, "nobody", Password, "status");

        Assert.Equal(1, wrong);
        Assert.Contains("authentication failed", wrongError, StringComparison.Ordinal);
        Assert.Equal(1, other);
        Assert.Contains("authentication failed", otherError, StringComparison.Ordinal);
        Assert.Equal(1, unknown);
    }

    [Fact(Timeout = 60_000)]
    public async Task Wire_CommandBeforeAuth_RefusedAndWrongProofGetsAuthFailed()
    {
        var (pooler, port) = await StartAsync();
        await using var _pooler = pooler;

        var refused = await RawAsync(port, stream => Send(stream, new ManagementRequest { Command = "status" }));
        var failed = await RawAsync(port, async stream => Assert.NotNull(await ManagementScram.LogInAsync(stream, Admin, "wrong")));

        Assert.Equal("forbidden", refused!.Outcome);
        Assert.Equal("request.unauthenticated", refused.Code);
        Assert.Null(failed); // LogInAsync read the refusal; the pooler closed the connection after it
    }

    // Runs a conversation, then returns the next frame the pooler sends (null when it closed the connection).
    internal static async Task<ManagementResponse?> RawAsync(int port, Func<Stream, Task> talk)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await talk(stream);
        var payload = await ManagementProtocol.ReadFrameAsync(stream);
        return payload is null ? null : JsonSerializer.Deserialize(payload, ManagementJson.Default.ManagementResponse);
    }

    private static Task Send(Stream stream, ManagementRequest request) =>
        ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(request));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(_authFile)!, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
