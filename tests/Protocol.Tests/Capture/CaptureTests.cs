// Writers are byte-identical to what PostgreSQL and Npgsql send: captured conversations are decoded and rewritten.
using Pooler.TestSupport;

namespace Pooler.Protocol.Tests.Capture;

[Collection(PostgresCollection.Name)]
public class CaptureTests
{
    private readonly PostgresServer _pg;

    public CaptureTests(PostgresFixture fixture) => _pg = fixture.Server;

    internal static string DataDir => Path.Combine(AppContext.BaseDirectory, "Data", "captures");

    /// <summary>Where captures are saved when POOLER_WRITE_CAPTURES=1 (the source tree, found from the test binary).</summary>
    private static string SourceDataDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pooler.sln")))
            dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "Protocol.Tests", "Data", "captures");
    }

    private static readonly string[] RequiredClient =
    [
        "SSLRequest", "StartupMessage", "CancelRequest", "PasswordMessage", "SASLInitialResponse", "SASLResponse", "Query", "Parse",
        "Bind", "Describe", "Execute", "Close", "Sync", "Terminate",
    ];

    private static readonly string[] RequiredServer =
    [
        "AuthenticationOk", "AuthenticationMD5Password", "AuthenticationSASL", "AuthenticationSASLContinue", "AuthenticationSASLFinal",
        "ParameterStatus", "BackendKeyData", "ReadyForQuery", "ErrorResponse", "NoticeResponse", "RowDescription", "DataRow",
        "CommandComplete", "EmptyQueryResponse", "NotificationResponse", "NegotiateProtocolVersion", "ParseComplete", "BindComplete",
        "CloseComplete",
    ];

    /// <summary>Rewrites every message of every connection; returns the message types covered.</summary>
    private static HashSet<string> AssertRewritesIdentical(IEnumerable<(string Name, byte[] Client, byte[] Server)> connections)
    {
        var covered = new HashSet<string>();
        foreach (var (name, fromClient, fromServer) in connections)
        {
            var (client, server) = CapturedConversation.Split(fromClient, fromServer);
            var rewriter = new MessageRewriter(server);
            foreach (var m in client.Concat(server))
            {
                var rewritten = rewriter.Rewrite(m);
                if (rewritten is not null)
                    Assert.True(rewritten.AsSpan().SequenceEqual(m.Raw),
                        $"{name}: {(m.FromClient ? "client" : "server")} '{(char)m.Code}' differs:\n {Convert.ToHexString(m.Raw)}\n {Convert.ToHexString(rewritten)}");
            }
            covered.UnionWith(rewriter.Covered);
        }
        return covered;
    }

    [Fact]
    public async Task LiveCapture_EveryMessageRewritten_IsByteIdentical()
    {
        var all = new List<(string, byte[], byte[])>();
        bool save = Environment.GetEnvironmentVariable("POOLER_WRITE_CAPTURES") == "1";
        foreach (var name in CaptureScenarios.Names)
        {
            var connections = await CaptureScenarios.RunAsync(_pg, name);
            for (int i = 0; i < connections.Count; i++)
            {
                var file = $"{name}-{i}";
                all.Add((file, connections[i].FromClient.ToArray(), connections[i].FromServer.ToArray()));
                if (save)
                {
                    Directory.CreateDirectory(SourceDataDir());
                    await File.WriteAllBytesAsync(Path.Combine(SourceDataDir(), file + ".client.bin"), connections[i].FromClient.ToArray());
                    await File.WriteAllBytesAsync(Path.Combine(SourceDataDir(), file + ".server.bin"), connections[i].FromServer.ToArray());
                }
            }
        }
        var covered = AssertRewritesIdentical(all);
        Assert.All(RequiredClient, n => Assert.Contains("client:" + n, covered));
        Assert.All(RequiredServer, n => Assert.Contains("server:" + n, covered));
        if (save)
        {
            var pgbench = await CaptureScenarios.PgbenchAsync(_pg, 1000);
            await File.WriteAllBytesAsync(Path.Combine(SourceDataDir(), "pgbench-extended.client.bin"), pgbench.FromClient.ToArray());
            await File.WriteAllBytesAsync(Path.Combine(SourceDataDir(), "pgbench-extended.server.bin"), pgbench.FromServer.ToArray());
        }
    }

    [Fact]
    public void StoredCaptures_EveryMessageRewritten_IsByteIdentical()
    {
        var files = Directory.GetFiles(DataDir, "*.client.bin");
        Assert.NotEmpty(files);
        var connections = files.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f), File.ReadAllBytes(f.Replace(".client.bin", ".server.bin"))));
        var covered = AssertRewritesIdentical(connections);
        Assert.All(RequiredClient, n => Assert.Contains("client:" + n, covered));
        Assert.All(RequiredServer, n => Assert.Contains("server:" + n, covered));
    }
}
