// auth_type = "hba": the first matching auth_hba_file line decides; no line means 28000 naming host, user and database.
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AuthHbaTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    private async Task<PoolerHarness> StartAsync(string authFile, string hbaFile) =>
        await PoolerHarness.StartAsync(Pg, o => o with { AuthType = AuthType.Hba, AuthFile = authFile, AuthHbaFile = hbaFile });

    private static TempFile UserList() =>
        TempFile.Write("pooler-userlist", $"\"{PostgresServer.Md5User}\" \"{PostgresServer.Md5Password}\"\n\"{PostgresServer.ScramUser}\" \"{PostgresServer.ScramPassword}\"\n");

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, string password)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString) { Password = password, GssEncryptionMode = GssEncryptionMode.Disable, SslMode = SslMode.Disable };
        var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    [Fact]
    public async Task Hba_OneUserAllowedFromLoopback_OtherRefusedWith28000()
    {
        using var users = UserList();
        using var hba = TempFile.Write("pooler-hba", $"""
            # only the md5 role, only from 127.0.0.1
            host {PostgresServer.Database} {PostgresServer.Md5User} 127.0.0.1/32 md5
            """);
        await using var pooler = await StartAsync(users.Path, hba.Path);

        await using var allowed = await OpenAsync(pooler.ConnectionString(PostgresServer.Md5User), PostgresServer.Md5Password);
        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            OpenAsync(pooler.ConnectionString(PostgresServer.ScramUser), PostgresServer.ScramPassword));

        Assert.Equal(PostgresServer.Md5User, await new NpgsqlCommand("SELECT current_user", allowed).ExecuteScalarAsync());
        Assert.Equal("28000", refused.SqlState);
        Assert.Equal($"no pg_hba.conf entry for host \"127.0.0.1\", user \"{PostgresServer.ScramUser}\", database \"{PostgresServer.Database}\", no encryption",
            refused.MessageText);
    }

    [Fact]
    public async Task Hba_RejectLineAndMethodsPerLine_Psql()
    {
        using var users = UserList();
        using var hba = TempFile.Write("pooler-hba", $"""
            host all {PostgresServer.TrustUser} 127.0.0.1/32 reject
            host all {PostgresServer.ScramUser} 127.0.0.1/32 scram-sha-256
            host all {PostgresServer.Md5User} 127.0.0.1/32 password
            """);
        await using var pooler = await StartAsync(users.Path, hba.Path);

        var rejected = await Psql.RunAsync("127.0.0.1", pooler.Port, PostgresServer.TrustUser, PostgresServer.Database, "SELECT 1");
        var scram = await Psql.RunAsync("127.0.0.1", pooler.Port, PostgresServer.ScramUser, PostgresServer.Database, "SELECT current_user",
            PostgresServer.ScramPassword);
        var plain = await Psql.RunAsync("127.0.0.1", pooler.Port, PostgresServer.Md5User, PostgresServer.Database, "SELECT current_user",
            PostgresServer.Md5Password);
        var wrong = await Psql.RunAsync("127.0.0.1", pooler.Port, PostgresServer.Md5User, PostgresServer.Database, "SELECT 1", "bad");

        Assert.False(rejected.Succeeded);
        Assert.Contains($"pg_hba.conf rejects connection for host \"127.0.0.1\", user \"{PostgresServer.TrustUser}\"", rejected.StdErr);
        Assert.True(scram.Succeeded, scram.StdErr);
        Assert.Equal(PostgresServer.ScramUser, scram.StdOut.Trim());
        Assert.True(plain.Succeeded, plain.StdErr);
        Assert.Contains("password authentication failed", wrong.StdErr);
    }

    [Fact]
    public async Task Hba_LocalLineMatchesUnixSocketOnly()
    {
        using var users = UserList();
        using var hba = TempFile.Write("pooler-hba", $"local all {PostgresServer.TrustUser} trust\n");
        await using var pooler = await StartAsync(users.Path, hba.Path);

        var viaSocket = new NpgsqlConnectionStringBuilder(pooler.ConnectionString()) { Host = pooler.SocketDir };
        await using var local = await OpenAsync(viaSocket.ConnectionString, "");
        var tcp = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler.ConnectionString(), ""));

        Assert.Equal(PostgresServer.TrustUser, await new NpgsqlCommand("SELECT current_user", local).ExecuteScalarAsync());
        Assert.Equal("28000", tcp.SqlState);
    }

    [Fact]
    public async Task Hba_HostSslLine_NeverMatchesPlainConnection()
    {
        using var users = UserList();
        using var hba = TempFile.Write("pooler-hba", $"hostssl all all all trust\n");
        await using var pooler = await StartAsync(users.Path, hba.Path);

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler.ConnectionString(), ""));

        Assert.Equal("28000", error.SqlState);
        Assert.Contains("no pg_hba.conf entry", error.MessageText);
    }

    [Fact]
    public async Task Hba_CertMethod_RefusedWithoutClientCertificate()
    {
        using var users = UserList();
        using var hba = TempFile.Write("pooler-hba", $"host all all all cert\n");
        await using var pooler = await StartAsync(users.Path, hba.Path);

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler.ConnectionString(), ""));

        Assert.Equal("28000", error.SqlState);
        Assert.Equal("connection requires a valid client certificate", error.MessageText);
    }
}
