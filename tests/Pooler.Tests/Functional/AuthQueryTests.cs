// auth_query: secrets looked up through auth_user's pool; SCRAM-only users log in to the server with pass-through keys.
using Npgsql;
using Pooler.Auth;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AuthQueryTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private PostgresServer Pg => fixture.Server;

    /// <summary>No auth_file at all: every secret comes from pg_shadow, read as the superuser (trusted by the fixture).</summary>
    private Task<PoolerHarness> StartAsync(AuthType type) =>
        PoolerHarness.StartAsync(Pg, o => o with { AuthType = type, AuthUser = PostgresServer.SuperUser, DefaultPoolSize = 5 });

    private static async Task<NpgsqlConnection> OpenAsync(PoolerHarness pooler, string user, string password)
    {
        var b = new NpgsqlConnectionStringBuilder(pooler.ConnectionString(user))
        {
            Password = password, GssEncryptionMode = GssEncryptionMode.Disable, SslMode = SslMode.Disable,
        };
        var c = new NpgsqlConnection(b.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    private static Task<T> OnLoop<T>(PoolerHarness pooler, Func<T> f) => pooler.Instance.Engine.RunAsync(() => Task.FromResult(f()));

    [Fact(Timeout = 180_000)]
    public async Task AuthQuery_ScramOnlyUser_PassThroughLogin_Then50PgBenchClients()
    {
        await using var pooler = await StartAsync(AuthType.ScramSha256);

        await using (var c = await OpenAsync(pooler, PostgresServer.ScramUser, PostgresServer.ScramPassword))
            Assert.Equal(PostgresServer.ScramUser, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());

        // The pooler holds the recovered SCRAM keys for the pool, never a password.
        var credential = await OnLoop(pooler, () =>
            PassThroughCredential.For(pooler.Instance.Runtime.Directory.Resolve(PostgresServer.Database, PostgresServer.ScramUser)!.Pool));
        Assert.NotNull(credential?.ClientKey);
        Assert.Null(credential!.Password);

        var script = TempFile.Write("pooler-bench", "SELECT current_user;\n");
        using (script)
        {
            var result = await PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.ScramUser, PostgresServer.Database,
                ["-c", "50", "-j", "2", "-t", "20", "-f", script.Path], PostgresServer.ScramPassword);
            output.WriteLine($"pgbench -c 50 -t 20 as {PostgresServer.ScramUser}: {result.Processed}/{result.Expected}, {result.Failed} failed, {result.Tps:F0} tps");
            Assert.True(result.Complete, result.Process.StdOut + result.Process.StdErr);
            Assert.Equal(1000, result.Processed);
        }
        // 51 logins of one user cost one auth_query.
        Assert.Equal(1, await OnLoop(pooler, () => pooler.Instance.Runtime.Auth.CachedQueryResults));
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("auth_query") && l.Contains("failed"));
    }

    [Fact]
    public async Task AuthQuery_Md5User_StoredHashAnswersServer()
    {
        await using var pooler = await StartAsync(AuthType.Md5);

        await using var c = await OpenAsync(pooler, PostgresServer.Md5User, PostgresServer.Md5Password);

        Assert.Equal(PostgresServer.Md5User, await new NpgsqlCommand("SELECT current_user", c).ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(PostgresServer.ScramUser)]
    [InlineData("no_such_role")]
    public async Task AuthQuery_WrongPasswordOrUnknownUser_28P01(string user)
    {
        await using var pooler = await StartAsync(AuthType.ScramSha256);

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler, user, "wrong"));

        Assert.Equal("28P01", error.SqlState);
        Assert.Equal($"password authentication failed for user \"{user}\"", error.MessageText);
    }

    [Fact]
    public async Task AuthQuery_Invalidate_NextLoginQueriesAgain()
    {
        await using var pooler = await StartAsync(AuthType.ScramSha256);
        await using (await OpenAsync(pooler, PostgresServer.ScramUser, PostgresServer.ScramPassword))
        {
        }
        Assert.Equal(1, await OnLoop(pooler, () => pooler.Instance.Runtime.Auth.CachedQueryResults));

        await OnLoop(pooler, () =>
        {
            pooler.Instance.Runtime.Auth.Invalidate();
            return 0;
        });
        Assert.Equal(0, await OnLoop(pooler, () => pooler.Instance.Runtime.Auth.CachedQueryResults));
        await using (await OpenAsync(pooler, PostgresServer.ScramUser, PostgresServer.ScramPassword))
        {
        }

        Assert.Equal(1, await OnLoop(pooler, () => pooler.Instance.Runtime.Auth.CachedQueryResults));
    }

    [Fact]
    public async Task AuthQuery_QueryFails_ClientGetsErrorAndItIsLogged()
    {
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with
        {
            AuthType = AuthType.ScramSha256, AuthUser = PostgresServer.SuperUser, AuthQuery = "SELECT usename, passwd FROM no_such_table WHERE usename=$1",
        });

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(pooler, PostgresServer.ScramUser, PostgresServer.ScramPassword));

        Assert.Equal("42P01", error.SqlState);
        Assert.Contains(pooler.Log.Lines, l => l.Contains("auth_query") && l.Contains("failed"));
    }
}
