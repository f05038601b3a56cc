// server_tls_sslmode allow and prefer with libpq's meaning, against a PostgreSQL whose hba forces each path: allow
// retries over TLS when the plain login is refused, prefer falls back to plain text when the TLS login is refused.
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Functional;
using Pooler.TestSupport;

namespace Pooler.Tests.Tls;

[Collection(TlsPostgresCollection.Name)]
public sealed class ServerTlsFallbackTests(TlsPostgresFixture fixture)
{
    private const string SslQuery = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

    private Task<PoolerHarness> StartAsync(TlsMode mode, string serverUser) =>
        PoolerHarness.StartAsync(fixture.Server,
            o => o with { ServerTlsSslMode = mode, QueryWaitTimeout = TimeSpan.FromSeconds(5) },
            new DatabaseOptions
            {
                Name = "forced", Host = "127.0.0.1", Port = fixture.Server.Port, DbName = PostgresServer.Database, User = serverUser,
            });

    private static async Task<(bool Ssl, string User)> WhoAsync(NpgsqlConnection c)
    {
        var ssl = (bool)(await new NpgsqlCommand(SslQuery, c).ExecuteScalarAsync())!;
        var user = (string)(await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync())!;
        return (ssl, user);
    }

    [Fact]
    public async Task Allow_ServerAcceptsPlain_StaysPlain()
    {
        await using var pooler = await StartAsync(TlsMode.Allow, PostgresServer.TrustUser);

        await using var c = await pooler.OpenAsync(database: "forced");

        Assert.Equal((false, PostgresServer.TrustUser), await WhoAsync(c));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("trying again"));
    }

    [Fact]
    public async Task Allow_ServerRefusesPlain_RetriesOverTls()
    {
        await using var pooler = await StartAsync(TlsMode.Allow, TlsPostgresFixture.TlsOnlyUser);

        await using var c = await pooler.OpenAsync(database: "forced");

        Assert.Equal((true, TlsPostgresFixture.TlsOnlyUser), await WhoAsync(c));
        Assert.Contains(pooler.Log.Lines, l => l.Contains("refused the login in plain text") && l.Contains("trying again over TLS"));
    }

    [Fact]
    public async Task Prefer_ServerAcceptsTls_UsesTls()
    {
        await using var pooler = await StartAsync(TlsMode.Prefer, PostgresServer.TrustUser);

        await using var c = await pooler.OpenAsync(database: "forced");

        Assert.Equal((true, PostgresServer.TrustUser), await WhoAsync(c));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("trying again"));
    }

    [Fact]
    public async Task Prefer_ServerRefusesTls_FallsBackToPlain()
    {
        await using var pooler = await StartAsync(TlsMode.Prefer, TlsPostgresFixture.PlainOnlyUser);

        await using var c = await pooler.OpenAsync(database: "forced");

        Assert.Equal((false, TlsPostgresFixture.PlainOnlyUser), await WhoAsync(c));
        Assert.Contains(pooler.Log.Lines, l => l.Contains("refused the login over TLS") && l.Contains("trying again in plain text"));
    }

    [Fact]
    public async Task Require_ServerRefusesTls_NoPlainRetry()
    {
        await using var pooler = await StartAsync(TlsMode.Require, TlsPostgresFixture.PlainOnlyUser);

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "forced"));

        Assert.Equal("28000", error.SqlState);
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("trying again"));
    }

    [Fact]
    public async Task Disable_ServerRefusesPlain_NoTlsRetry()
    {
        await using var pooler = await StartAsync(TlsMode.Disable, TlsPostgresFixture.TlsOnlyUser);

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "forced"));

        Assert.Equal("28000", error.SqlState);
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("trying again"));
    }
}
