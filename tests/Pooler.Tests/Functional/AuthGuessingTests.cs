// Password guessing through the pooler is slower than against PostgreSQL itself, and other addresses do not pay for it.
using System.Diagnostics;
using System.Net;
using Pooler.Config;
using Pooler.Tests.Auth;
using Pooler.TestSupport;
using Xunit.Abstractions;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AuthGuessingTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const int Attempts = 200;

    private PostgresServer Pg => fixture.Server;

    /// <summary>One guess after another: each pooled attempt costs its own work plus its turn, while PostgreSQL's costs
    /// its work plus a backend start, so the comparison holds however loaded the machine is (parallel guesses queue
    /// behind each other too: LoginBackoffTests).</summary>
    private static async Task<TimeSpan> GuessAsync(IPEndPoint target)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Attempts; i++)
        {
            var (state, _) = await ScramLoginClient.LoginAsync(target, IPAddress.Loopback, PostgresServer.ScramUser, PostgresServer.Database,
                $"guess-{i}");
            Assert.Equal("28P01", state);
        }
        return clock.Elapsed;
    }

    [Fact]
    public async Task Guessing_200WrongPasswords_SlowerThanPostgresAndOtherAddressUnaffected()
    {
        var scram = (string)(await Pg.ScalarAsync($"SELECT rolpassword FROM pg_authid WHERE rolname = '{PostgresServer.ScramUser}'"))!;
        using var users = TempFile.Write("pooler-userlist", $"\"{PostgresServer.ScramUser}\" \"{scram}\"\n");
        await using var pooler = await PoolerHarness.StartAsync(Pg, o => o with { AuthType = AuthType.ScramSha256, AuthFile = users.Path });

        var direct = await GuessAsync(new IPEndPoint(IPAddress.Parse(Pg.Host), Pg.Port));
        var pooled = await GuessAsync(new IPEndPoint(IPAddress.Loopback, pooler.Port));

        output.WriteLine($"{Attempts} wrong SCRAM logins: {direct.TotalMilliseconds:F0} ms direct, {pooled.TotalMilliseconds:F0} ms through the pooler");

        // A right password from another address gets in at once: its address has no failures to wait for.
        var other = IPAddress.Parse("127.0.0.2");
        var (state, message) = await ScramLoginClient.LoginAsync(new IPEndPoint(IPAddress.Loopback, pooler.Port), other,
            PostgresServer.ScramUser, PostgresServer.Database, PostgresServer.ScramPassword);
        var backoff = await pooler.Instance.Engine.RunAsync(() => Task.FromResult(
            (Guesser: pooler.Instance.Runtime.Auth.Backoff.FailuresOf("127.0.0.1"), Other: pooler.Instance.Runtime.Auth.Backoff.FailuresOf("127.0.0.2"))));

        Assert.True(pooled >= direct, $"{Attempts} guesses took {pooled.TotalMilliseconds:F0} ms through the pooler, {direct.TotalMilliseconds:F0} ms direct");
        Assert.Null(state);
        Assert.Null(message);
        Assert.Equal(Attempts, backoff.Guesser);
        Assert.Equal(0, backoff.Other);
        Assert.DoesNotContain(pooler.Log.Lines, l => l.Contains("127.0.0.2") && l.Contains("waits"));
        Assert.Equal(Attempts, pooler.Log.Lines.Count(l => l.Contains("login failed") && l.Contains("127.0.0.1")));
    }
}
