// Broken clients: each gets 08P01 (or is closed), the reason is logged, and a parallel client carries on.
using System.Buffers.Binary;
using System.Text;
using Npgsql;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class BadInputTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Fact(Timeout = 60_000)]
    public async Task Garbage_InsteadOfStartup_Gets08P01()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var bystander = await pooler.OpenAsync();
        await using var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);

        await raw.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        Assert.Equal("08P01", await raw.ReadErrorCodeAsync());
        Assert.Equal(1, await bystander.ScalarAsync("SELECT 1"));
        Assert.True(pooler.Log.Contains("ProtocolViolation"));
    }

    [Fact(Timeout = 60_000)]
    public async Task OversizedStartupPacket_RefusedFromHeaderWith08P01()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var bystander = await pooler.OpenAsync();
        await using var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);

        // Announce 100 MB and send only the header: the refusal must not wait for (or buffer) the body.
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, 100_000_000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 3 << 16);
        await raw.SendAsync(header);

        Assert.Equal("08P01", await raw.ReadErrorCodeAsync());
        Assert.Equal(1, await bystander.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task MalformedStartupLayout_Gets08P01()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        var packet = RawClient.Startup("u", "d");
        packet[^1] = (byte)'x'; // no final terminator

        await raw.SendAsync(packet);

        Assert.Equal("08P01", await raw.ReadErrorCodeAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task HalfStartupThenSilence_ClosedAfterClientLoginTimeout()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { ClientLoginTimeout = TimeSpan.FromSeconds(1) });
        await using var bystander = await pooler.OpenAsync();
        await using var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);

        await raw.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database)[..10]);

        Assert.Equal("08P01", await raw.ReadErrorCodeAsync());
        Assert.True(await raw.IsClosedByPeerAsync());
        Assert.True(pooler.Log.Contains("client_login_timeout"));
        Assert.Equal(1, await bystander.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task GarbageAfterLogin_Gets08P01AndServerStaysClean()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        await using var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await raw.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database));
        Assert.NotNull(await raw.ReadUntilAsync('Z'));

        // A typed message whose length field is below the minimum of 4.
        await raw.SendAsync([(byte)'Q', 0, 0, 0, 1]);

        Assert.Equal("08P01", await raw.ReadErrorCodeAsync());
        await using var next = await pooler.OpenAsync();
        Assert.Equal(1, await next.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientResetMidQuery_ServerCancelledAndPoolServesOthers()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { DefaultPoolSize = 1 });
        var raw = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await raw.SendAsync(RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database));
        Assert.NotNull(await raw.ReadUntilAsync('Z'));
        await raw.SendAsync(RawClient.Query("SELECT pg_sleep(30) /* abandoned */"));
        await WaitForAsync(async () => (long)(await Pg.ScalarAsync(ActiveAbandoned))! == 1);

        raw.Reset();

        // The abandoned query is cancelled on the server, and the single pool slot serves the next client.
        await WaitForAsync(async () => (long)(await Pg.ScalarAsync(ActiveAbandoned))! == 0);
        await using var next = await pooler.OpenAsync();
        Assert.Equal(1, await next.ScalarAsync("SELECT 1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task MaxClientConn_ExcessClientGets53300()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { MaxClientConn = 2 });
        await using var a = await pooler.OpenAsync();
        await using var b = await pooler.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync());

        Assert.Equal("53300", error.SqlState);
        Assert.Contains("max_client_conn", error.MessageText);
        Assert.Equal(1, await a.ScalarAsync("SELECT 1"));
    }

    private const string ActiveAbandoned =
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%abandoned%' AND pid <> pg_backend_pid()";

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException("condition not met within 10 s");
    }
}
