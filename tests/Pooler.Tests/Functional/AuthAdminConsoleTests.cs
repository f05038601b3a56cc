// Admin console users authenticate like everyone else; the virtual database never runs auth_query nor creates a pool.
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AuthAdminConsoleTests(PostgresFixture fixture)
{
    private PostgresServer Pg => fixture.Server;

    [Fact]
    public async Task AdminConsole_PasswordCheckedAndNoPoolEvenWithWildcardAndAuthQuery()
    {
        using var users = TempFile.Write("pooler-userlist", "\"ops\" \"ops-pw\"\n");
        var wildcard = new DatabaseOptions { Name = PoolerConfig.WildcardDatabase, Host = Pg.Host, Port = Pg.Port };
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with
        {
            AuthType = AuthType.Md5, AuthFile = users.Path, AuthUser = PostgresServer.SuperUser, AdminUsers = ["ops", "ghost"],
        }, wildcard);

        var ok = await Psql.RunAsync("127.0.0.1", pooler.Port, "ops", "pgbouncer", "SHOW VERSION", "ops-pw");
        var wrong = await Psql.RunAsync("127.0.0.1", pooler.Port, "ops", "pgbouncer", "SHOW VERSION", "nope");
        var unlisted = await Psql.RunAsync("127.0.0.1", pooler.Port, "ghost", "pgbouncer", "SHOW VERSION", "x");

        Assert.True(ok.Succeeded, ok.StdErr);
        Assert.Contains("password authentication failed for user \"ops\"", wrong.StdErr);
        Assert.Contains("password authentication failed for user \"ghost\"", unlisted.StdErr);
        var pools = await pooler.Instance.Engine.RunAsync(() => Task.FromResult(pooler.Instance.Runtime.Manager.Pools.Select(p => p.Key.ToString()).ToList()));
        Assert.Empty(pools);
    }
}
