// Client authentication edge cases on the wire: a hang-up at the password prompt, a wrong message, a bad SCRAM message.
using System.Text;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AuthProtocolTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    private static TempFile UserList() =>
        TempFile.Write("pooler-userlist", $"\"{PostgresServer.Md5User}\" \"{PostgresServer.Md5Password}\"\n");

    private static byte[] Password(byte[] body)
    {
        var packet = new byte[5 + body.Length];
        packet[0] = (byte)'p';
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(1), 4 + body.Length);
        body.CopyTo(packet, 5);
        return packet;
    }

    [Fact]
    public async Task Login_ClientHangsUpAtPasswordPrompt_NotCountedAsFailure()
    {
        using var users = UserList();
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { AuthType = AuthType.Md5, AuthFile = users.Path });

        await using (var c = await RawClient.ConnectAsync(pooler.TcpEndPoint))
        {
            await c.SendAsync(RawClient.Startup(PostgresServer.Md5User, PostgresServer.Database));
            var request = await c.ReadMessageAsync();
            Assert.Equal((byte)'R', request?.Code);
        }
        // The next login (psql coming back with the password) sees no back-off.
        var ok = await Psql.RunAsync("127.0.0.1", pooler.Port, PostgresServer.Md5User, PostgresServer.Database, "SELECT 1", PostgresServer.Md5Password);

        Assert.True(ok.Succeeded, ok.StdErr);
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("login failed") || l.Contains("waits"));
    }

    [Fact]
    public async Task Login_QueryInsteadOfPassword_ProtocolViolation()
    {
        using var users = UserList();
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { AuthType = AuthType.Md5, AuthFile = users.Path });
        await using var c = await RawClient.ConnectAsync(pooler.TcpEndPoint);

        await c.SendAsync(RawClient.Startup(PostgresServer.Md5User, PostgresServer.Database));
        await c.ReadMessageAsync();
        await c.SendAsync(RawClient.Query("SELECT 1"));

        Assert.Equal("08P01", await c.ReadErrorCodeAsync());
    }

    [Fact]
    public async Task Login_MalformedScramMessage_ProtocolViolationNotPasswordFailure()
    {
        using var users = UserList();
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { AuthType = AuthType.ScramSha256, AuthFile = users.Path });
        await using var c = await RawClient.ConnectAsync(pooler.TcpEndPoint);

        await c.SendAsync(RawClient.Startup(PostgresServer.Md5User, PostgresServer.Database));
        await c.ReadMessageAsync();
        var data = Encoding.UTF8.GetBytes("garbage");
        var mechanism = Encoding.UTF8.GetBytes("SCRAM-SHA-256\0");
        var body = new byte[mechanism.Length + 4 + data.Length];
        mechanism.CopyTo(body, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(mechanism.Length), data.Length);
        data.CopyTo(body, mechanism.Length + 4);
        await c.SendAsync(Password(body));

        Assert.Equal("08P01", await c.ReadErrorCodeAsync());
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("login failed"));
    }
}
