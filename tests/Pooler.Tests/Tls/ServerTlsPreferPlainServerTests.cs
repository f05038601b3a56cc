// server_tls_sslmode = prefer against a PostgreSQL without TLS (the plain fixture answers SSLRequest with 'N'):
// the login goes on in plain text on the same connection.
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Functional;
using Pooler.TestSupport;

namespace Pooler.Tests.Tls;

[Collection(PostgresCollection.Name)]
public sealed class ServerTlsPreferPlainServerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Prefer_ServerAnswersN_LogsInPlain()
    {
        await using var pooler = await PoolerHarness.StartAsync(fixture.Server, o => o with { ServerTlsSslMode = TlsMode.Prefer });

        await using var c = await pooler.OpenAsync();

        Assert.Equal(false, await new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", c).ExecuteScalarAsync());
        Assert.Contains(pooler.Log.Lines, l => l.Contains("logged in to") && !l.Contains(" over TLS"));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("trying again"));
    }

    [Fact]
    public async Task Prefer_ServerAnswersNAndRefusesLogin_NoSecondPlainAttempt()
    {
        await using var pooler = await PoolerHarness.StartAsync(fixture.Server, o => o with { ServerTlsSslMode = TlsMode.Prefer },
            new DatabaseOptions
            {
                Name = "badpw", Host = fixture.Server.Host, Port = fixture.Server.Port, DbName = PostgresServer.Database,
                User = PostgresServer.Md5User, Password = "wrong",
            });

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => pooler.OpenAsync(database: "badpw"));

        // The login already ran in plain text after 'N': trying "again in plain text" would repeat it.
        Assert.Single(pooler.Log.Lines, l => l.Contains("server login as", StringComparison.Ordinal));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("trying again"));
    }
}
