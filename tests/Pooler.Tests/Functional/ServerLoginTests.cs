// Server logins through the pooler with each method the fixture offers, and a wrong password's error reaching the client.
using Npgsql;
using Pooler.Config;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class ServerLoginTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    private DatabaseOptions Entry(string name, string user, string password) => new()
    {
        Name = name, Host = Pg.Host, Port = Pg.Port, DbName = PostgresServer.Database, User = user, Password = password,
    };

    [Theory]
    [InlineData(PostgresServer.Md5User, PostgresServer.Md5Password)]
    [InlineData(PostgresServer.ScramUser, PostgresServer.ScramPassword)]
    public async Task Login_ForcedUserWithPassword_ServerAcceptsMethod(string user, string password)
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, null, Entry("forced", user, password));
        await using var c = await pooler.OpenAsync(database: "forced");

        Assert.Equal(user, await c.ScalarAsync("SELECT current_user"));
    }

    [Fact]
    public async Task Login_WrongServerPassword_ClientGetsServerError()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, null, Entry("badpw", PostgresServer.ScramUser, "wrong"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "badpw"));

        Assert.Equal("28P01", error.SqlState);
        // During the back-off a second client gets the cached error at once instead of a new login attempt.
        var again = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "badpw"));
        Assert.Equal("28P01", again.SqlState);
    }

    [Fact]
    public async Task Login_ServerUnreachable_ClientGetsErrorNotHang()
    {
        var deadPort = FreePort.Next();
        var entry = new DatabaseOptions { Name = "dead", Host = "127.0.0.1", Port = deadPort, DbName = PostgresServer.Database };
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { QueryWaitTimeout = TimeSpan.FromSeconds(3) }, entry);

        var error = await Assert.ThrowsAsync<PostgresException>(() => pooler.OpenAsync(database: "dead"));

        Assert.Equal("08006", error.SqlState);
        Assert.Contains("could not connect", error.MessageText);
    }

    [Theory]
    [InlineData(PostgresServer.Md5User, PostgresServer.Md5Password, false)]
    [InlineData(PostgresServer.Md5User, PostgresServer.Md5Password, true)]
    [InlineData(PostgresServer.ScramUser, PostgresServer.ScramPassword, false)]
    public async Task Login_AuthFileSecret_UsedForClientsOwnUser(string user, string password, bool asMd5Hash)
    {
        var secret = asMd5Hash ? Pooler.Protocol.Auth.Md5Password.Hash(user, password) : password;
        var authFile = Path.Combine(Path.GetTempPath(), $"pooler-userlist-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(authFile, $"\"{user}\" \"{secret}\"\n");
        try
        {
            await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { AuthFile = authFile });
            await using var c = await pooler.OpenAsync(user: user);

            Assert.Equal(user, await c.ScalarAsync("SELECT current_user"));
        }
        finally
        {
            File.Delete(authFile);
        }
    }
}
