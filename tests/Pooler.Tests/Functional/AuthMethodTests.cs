// Client authentication through the pooler for each auth_type, right and wrong password, with Npgsql and psql.
using Npgsql;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AuthMethodTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    /// <summary>An auth_file with the md5 role's plain password and the SCRAM role's verifier copied from the server.</summary>
    private async Task<TempFile> UserListAsync(bool md5AsHash = false)
    {
        var scram = (string)(await Pg.ScalarAsync($"SELECT rolpassword FROM pg_authid WHERE rolname = '{PostgresServer.ScramUser}'"))!;
        var md5 = md5AsHash ? Pooler.Protocol.Auth.Md5Password.Hash(PostgresServer.Md5User, PostgresServer.Md5Password) : PostgresServer.Md5Password;
        return TempFile.Write("pooler-userlist", $"\"{PostgresServer.Md5User}\" \"{md5}\"\n\"{PostgresServer.ScramUser}\" \"{scram}\"\n");
    }

    private Task<PoolerHarness> StartAsync(AuthType type, string authFile) =>
        PoolerHarness.StartAsync(Pg, o => o with { AuthType = type, AuthFile = authFile });

    private static async Task<NpgsqlConnection> OpenAsync(PoolerHarness pooler, string user, string password)
    {
        var b = new NpgsqlConnectionStringBuilder(pooler.ConnectionString(user)) { Password = password, GssEncryptionMode = GssEncryptionMode.Disable, SslMode = SslMode.Disable };
        var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    [Theory]
    [InlineData(AuthType.Plain, PostgresServer.Md5User, PostgresServer.Md5Password)]
    [InlineData(AuthType.Plain, PostgresServer.ScramUser, PostgresServer.ScramPassword)]
    [InlineData(AuthType.Md5, PostgresServer.Md5User, PostgresServer.Md5Password)]
    [InlineData(AuthType.Md5, PostgresServer.ScramUser, PostgresServer.ScramPassword)]
    [InlineData(AuthType.ScramSha256, PostgresServer.Md5User, PostgresServer.Md5Password)]
    [InlineData(AuthType.ScramSha256, PostgresServer.ScramUser, PostgresServer.ScramPassword)]
    public async Task Login_RightPassword_QueriesRunAsUser(AuthType type, string user, string password)
    {
        using var userList = await UserListAsync();
        await using var pooler = await StartAsync(type, userList.Path);

        await using var c = await OpenAsync(pooler, user, password);

        // For the SCRAM role the server login used the keys recovered from this client's SCRAM proof.
        Assert.Equal(user, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(AuthType.Plain, PostgresServer.Md5User)]
    [InlineData(AuthType.Plain, PostgresServer.ScramUser)]
    [InlineData(AuthType.Md5, PostgresServer.Md5User)]
    [InlineData(AuthType.Md5, PostgresServer.ScramUser)]
    [InlineData(AuthType.ScramSha256, PostgresServer.Md5User)]
    [InlineData(AuthType.ScramSha256, PostgresServer.ScramUser)]
    [InlineData(AuthType.ScramSha256, "no_such_user")]
    public async Task Login_WrongPassword_28P01InPostgresWords(AuthType type, string user)
    {
        using var userList = await UserListAsync();
        await using var pooler = await StartAsync(type, userList.Path);

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler, user, "wrong-password"));

        Assert.Equal("28P01", error.SqlState);
        Assert.Equal($"password authentication failed for user \"{user}\"", error.MessageText);
        var failures = pooler.Log.Lines.Where(l => l.Contains("login failed")).ToList();
        Assert.True(failures.Count == 1, string.Join("\n", pooler.Log.Lines));
        var line = failures[0];
        Assert.Contains(user, line);
        Assert.Contains(PostgresServer.Database, line);
        Assert.Contains("127.0.0.1", line);
        Assert.DoesNotContain("wrong-password", string.Join('\n', pooler.Log.Lines));
    }

    [Fact]
    public async Task Login_UnknownUsersGuessed_NoPoolsCreated()
    {
        using var userList = await UserListAsync();
        await using var pooler = await StartAsync(AuthType.ScramSha256, userList.Path);

        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler, $"guessed_{i}", "x"));

        var pools = await pooler.Instance.Engine.RunAsync(() => Task.FromResult(pooler.Instance.Runtime.Manager.Pools.Count()));
        Assert.Equal(0, pools);
    }

    [Fact]
    public async Task Login_ScramWithMd5StoredHash_RefusedAsPostgresDoes()
    {
        using var userList = await UserListAsync(md5AsHash: true);
        await using var pooler = await StartAsync(AuthType.ScramSha256, userList.Path);

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler, PostgresServer.Md5User, PostgresServer.Md5Password));

        Assert.Equal("28P01", error.SqlState);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("does not have a valid SCRAM secret"));
    }

    [Fact]
    public async Task Login_Md5WithStoredHash_LogsInAndServerTakesHash()
    {
        using var userList = await UserListAsync(md5AsHash: true);
        await using var pooler = await StartAsync(AuthType.Md5, userList.Path);

        await using var c = await OpenAsync(pooler, PostgresServer.Md5User, PostgresServer.Md5Password);

        Assert.Equal(PostgresServer.Md5User, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(AuthType.Md5, PostgresServer.Md5User, PostgresServer.Md5Password)]
    [InlineData(AuthType.ScramSha256, PostgresServer.ScramUser, PostgresServer.ScramPassword)]
    [InlineData(AuthType.Plain, PostgresServer.ScramUser, PostgresServer.ScramPassword)]
    public async Task Psql_RightAndWrongPassword_LoginAndRefusal(AuthType type, string user, string password)
    {
        using var userList = await UserListAsync();
        await using var pooler = await StartAsync(type, userList.Path);

        var ok = await Psql.RunAsync("127.0.0.1", pooler.Port, user, PostgresServer.Database, "SELECT current_user", password);
        var wrong = await Psql.RunAsync("127.0.0.1", pooler.Port, user, PostgresServer.Database, "SELECT 1", "nope");

        Assert.True(ok.Succeeded, ok.StdErr);
        Assert.Equal(user, ok.StdOut.Trim());
        Assert.False(wrong.Succeeded);
        Assert.Contains($"password authentication failed for user \"{user}\"", wrong.StdErr);
    }

    [Fact]
    public async Task Login_TrustWithAuthFile_UnlistedUserRefused()
    {
        using var userList = await UserListAsync();
        await using var pooler = await StartAsync(AuthType.Trust, userList.Path);

        await using var listed = await OpenAsync(pooler, PostgresServer.Md5User, "");
        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler, PostgresServer.TrustUser, ""));

        Assert.Equal(System.Data.ConnectionState.Open, listed.State);
        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task Reload_AuthFileChanged_NewPasswordTakesEffect()
    {
        using var userList = await UserListAsync();
        await using var pooler = await StartAsync(AuthType.Md5, userList.Path);
        await using (await OpenAsync(pooler, PostgresServer.Md5User, PostgresServer.Md5Password))
        {
        }

        await File.WriteAllTextAsync(userList.Path, $"\"{PostgresServer.Md5User}\" \"changed\"\n");
        await pooler.Instance.Engine.RunAsync(() =>
        {
            pooler.Instance.Runtime.Auth.Reload(pooler.Config);
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler, PostgresServer.Md5User, PostgresServer.Md5Password));
        Assert.Equal("28P01", error.SqlState);
    }
}
