// Clients asking for protocol 3.2 or sending _pq_. options: NegotiateProtocolVersion as PostgreSQL sends it, then 3.0.
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class ProtocolNegotiationTests(PostgresFixture fixture)
{
    private const int V3_0 = 3 << 16;
    private const int V3_2 = (3 << 16) | 2;

    private PostgresServer Pg => fixture.Server;

    public static TheoryData<int, string[]> Requests => new()
    {
        { V3_2, [] },
        { V3_2, ["_pq_.pooler_test"] },
        { V3_0, ["_pq_.pooler_test", "_pq_.other"] },
        { (3 << 16) | 7, [] },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Requests))]
    public async Task Startup_NewerMinorOrProtocolOptions_NegotiatesThenContinuesAs30(int version, string[] options)
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var client = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await client.SendAsync(Startup(version, options));

        var first = await client.ReadMessageAsync();
        Assert.NotNull(first);
        Assert.Equal((byte)'v', first.Value.Code);
        Assert.Equal(V3_0, BinaryPrimitives.ReadInt32BigEndian(first.Value.Body));
        Assert.Equal(options, ReadOptions(first.Value.Body));

        // Then a 3.0 login: AuthenticationOk, a 4-byte cancel key (3.2 would allow longer ones), ReadyForQuery.
        var auth = await client.ReadMessageAsync();
        Assert.Equal((byte)'R', auth!.Value.Code);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(auth.Value.Body));
        var key = await client.ReadUntilAsync('K');
        Assert.Equal(8, key!.Value.Body.Length);
        Assert.NotNull(await client.ReadUntilAsync('Z'));
        await client.SendAsync(RawClient.Query("SELECT 42"));
        var row = await client.ReadUntilAsync('D');
        Assert.Equal("42", Encoding.UTF8.GetString(row!.Value.Body, 6, row.Value.Body.Length - 6));
        Assert.NotNull(await client.ReadUntilAsync('Z'));
    }

    [Fact(Timeout = 60_000)]
    public async Task Startup_32WithProtocolOption_SameNegotiationBytesAsPostgres()
    {
        var startup = Startup(V3_2, ["_pq_.pooler_test"]);
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var viaPooler = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await viaPooler.SendAsync(startup);
        await using var direct = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Parse(Pg.Host), Pg.Port));
        await direct.SendAsync(startup);

        var ours = await viaPooler.ReadMessageAsync();
        var theirs = await direct.ReadMessageAsync();

        Assert.Equal((byte)'v', theirs!.Value.Code);
        Assert.Equal(theirs.Value.Code, ours!.Value.Code);
        if (Pg.MajorVersion < 18)
            Assert.Equal(theirs.Value.Body, ours.Value.Body);
        else
            Assert.Equal(theirs.Value.Body.AsSpan(4).ToArray(), ours.Value.Body.AsSpan(4).ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Startup_Plain30_NoNegotiation()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg);
        await using var client = await RawClient.ConnectAsync(pooler.TcpEndPoint);
        await client.SendAsync(Startup(V3_0, []));

        var first = await client.ReadMessageAsync();
        Assert.Equal((byte)'R', first!.Value.Code);
    }

    private static byte[] Startup(int version, string[] options) =>
        RawClient.Startup(PostgresServer.TrustUser, PostgresServer.Database, version, options.Select(o => (o, "on")).ToArray());

    private static string[] ReadOptions(byte[] body)
    {
        var count = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4));
        var names = new string[count];
        var at = 8;
        for (var i = 0; i < count; i++)
        {
            var end = Array.IndexOf(body, (byte)0, at);
            names[i] = Encoding.UTF8.GetString(body, at, end - at);
            at = end + 1;
        }
        return names;
    }
}
