// Authentication against a real PostgreSQL: its secrets verify here, and the client side logs in to it over TCP.
using System.Text;
using Npgsql;
using Pooler.Protocol.Auth;
using Pooler.TestSupport;

namespace Pooler.Protocol.Tests.Auth;

[Collection(PostgresCollection.Name)]
public class RealServerAuthTests
{
    private readonly PostgresServer _pg;

    public RealServerAuthTests(PostgresFixture fixture) => _pg = fixture.Server;

    private async Task<string> StoredPasswordAsync(string role) =>
        (string)(await _pg.ScalarAsync($"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'"))!;

    private Task<(RawPgClient? Client, ErrorFields? Error)> LoginAsync(string user, string? password = null, ScramClient? scram = null) =>
        RawPgClient.ConnectAsync(_pg.Host, _pg.Port, user, PostgresServer.Database, password, scram);

    private static (AuthStatus Status, ScramServer Server) RunExchange(ScramServer server, ScramClient client)
    {
        var mechanism = client.SelectMechanism(server.Mechanisms)!;
        var status = server.HandleClientFirst(mechanism, client.CreateClientFirst(mechanism), out var serverFirst);
        if (status == AuthStatus.Continue && client.HandleServerFirst(serverFirst, out var clientFinal) == AuthStatus.Continue)
        {
            status = server.HandleClientFinal(clientFinal, out var serverFinal);
            if (status == AuthStatus.Success)
                status = client.HandleServerFinal(serverFinal);
        }
        return (status, server);
    }

    [Fact]
    public async Task ScramServer_SecretMadeByPostgres_VerifiesTheRightPasswordOnly()
    {
        var stored = await StoredPasswordAsync(PostgresServer.ScramUser);
        Assert.True(ScramSecret.TryParse(stored, out var secret));
        Assert.Equal(AuthStatus.Success, RunExchange(new ScramServer(secret), new ScramClient(PostgresServer.ScramPassword)).Status);
        Assert.Equal(AuthStatus.Failed, RunExchange(new ScramServer(secret), new ScramClient("wrong")).Status);
        // Same salt and iterations give PostgreSQL's exact secret text.
        Assert.Equal(stored, ScramSecret.FromPassword(PostgresServer.ScramPassword, secret.Iterations, secret.Salt).ToString());
    }

    [Fact]
    public async Task ScramClient_PasswordLogin_ReachesReadyForQueryAndRunsAQuery()
    {
        var (client, error) = await LoginAsync(PostgresServer.ScramUser, PostgresServer.ScramPassword);
        Assert.Null(error);
        await using (client)
        {
            Assert.Equal(ScramServer.Mechanism, client!.Mechanism);
            Assert.Contains(client.Parameters, p => p.Name == "server_version");
            Assert.NotNull(client.KeyData);
            Assert.Equal(4, client.KeyData!.SecretKey.Length);
            var (rows, tag, queryError) = await client.QueryAsync("SELECT current_user, NULL::text");
            Assert.Null(queryError);
            Assert.Equal("SELECT 1", tag);
            Assert.Equal(new string?[] { PostgresServer.ScramUser, null }, rows.Single());
        }
    }

    [Fact]
    public async Task ScramClient_WrongPassword_ServerAnswers28P01()
    {
        var (client, error) = await LoginAsync(PostgresServer.ScramUser, "not-the-password");
        Assert.Null(client);
        Assert.Equal(SqlState.InvalidPassword, error!.SqlState);
        Assert.Equal("FATAL", error.Severity);
    }

    [Fact]
    public async Task ScramClient_KeysRecoveredFromAClient_LogInWithoutThePassword()
    {
        // The pooler verifies its client against the server's own secret, keeps the recovered keys...
        Assert.True(ScramSecret.TryParse(await StoredPasswordAsync(PostgresServer.ScramUser), out var secret));
        var (status, server) = RunExchange(new ScramServer(secret), new ScramClient(PostgresServer.ScramPassword));
        Assert.Equal(AuthStatus.Success, status);

        // ...and logs in to PostgreSQL with them.
        var (client, error) = await LoginAsync(PostgresServer.ScramUser, scram: ScramClient.FromKeys(server.ClientKey!, server.ServerKey!));
        Assert.Null(error);
        await using (client)
            Assert.Equal(PostgresServer.ScramUser, (await client!.QueryAsync("SELECT current_user")).Rows.Single()[0]);
    }

    [Fact]
    public async Task ScramClient_KeysOfAnotherSecret_AreRejected()
    {
        var (status, server) = RunExchange(ScramServer.ForPassword(PostgresServer.ScramPassword), new ScramClient(PostgresServer.ScramPassword));
        Assert.Equal(AuthStatus.Success, status);
        var (client, error) = await LoginAsync(PostgresServer.ScramUser, scram: ScramClient.FromKeys(server.ClientKey!, server.ServerKey!));
        Assert.Null(client);
        Assert.Equal(SqlState.InvalidPassword, error!.SqlState);
    }

    [Fact]
    public async Task Md5_PasswordOrStoredHash_LogsIn()
    {
        var stored = await StoredPasswordAsync(PostgresServer.Md5User);
        Assert.Equal(Md5Password.Hash(PostgresServer.Md5User, PostgresServer.Md5Password), stored);
        foreach (var secret in new[] { PostgresServer.Md5Password, stored })
        {
            var (client, error) = await LoginAsync(PostgresServer.Md5User, secret);
            Assert.Null(error);
            await client!.DisposeAsync();
        }
        var (none, wrong) = await LoginAsync(PostgresServer.Md5User, "nope");
        Assert.Null(none);
        Assert.Equal(SqlState.InvalidPassword, wrong!.SqlState);
    }

    public static TheoryData<string> NonAsciiPasswords => new()
    {
        "\u2168pass",            // NFKC changes it
        "I\u00ADX-pw",           // mapped to nothing
        "cafe\u0301",            // composes
        "\uFF50\uFF41\uFF53\uFF53", // full-width letters
        "\u0627a\u0627",         // prohibited by the bidi rule: both sides must fall back to the raw bytes
        "\u3042\u3044\u3046\u00A0x", // Japanese with a no-break space
    };

    [Theory]
    [MemberData(nameof(NonAsciiPasswords))]
    public async Task SaslPrep_NonAsciiPassword_SameSecretAsPostgresAndLogsIn(string password)
    {
        const string role = "pooler_saslprep";
        await _pg.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        await using (var superuser = new NpgsqlConnection(_pg.ConnectionString(PostgresServer.SuperUser)))
        {
            await superuser.OpenAsync();
            // A literal, so PostgreSQL itself runs SASLprep (the client library does not pre-hash it).
            var literal = "'" + password.Replace("'", "''") + "'";
            await using var create = new NpgsqlCommand($"SET password_encryption = 'scram-sha-256'; CREATE ROLE {role} LOGIN PASSWORD {literal}", superuser);
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            Assert.True(ScramSecret.TryParse(await StoredPasswordAsync(role), out var secret));
            Assert.Equal(secret.ToString(), ScramSecret.FromPassword(password, secret.Iterations, secret.Salt).ToString());
            Assert.Equal(AuthStatus.Success, RunExchange(new ScramServer(secret), new ScramClient(password)).Status);
        }
        finally
        {
            await _pg.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        }
    }

    [Fact]
    public async Task Nfkc_RandomStrings_MatchPostgresNormalize()
    {
        var random = new Random(42);
        int[] pool =
        [
            'a', 'e', 'A', 0x00C5, 0x0301, 0x0302, 0x0323, 0x0308, 0x0338, 0x00AA, 0x2168, 0x1E9B, 0xFB01, 0x3300, 0x1100, 0x1161,
            0x11A8, 0xAC00, 0xD4DB, 0x0F73, 0x0344, 0x2126, 0x212B, 0x1D15E, 0x0345, 0x05B0, 0x0591, 0xFF21, 0x32FF, 0x2460,
            0x0958, 0x093C, 0x0915, 0x1B05, 0x1B35, 0x0627, 0x0653, 0xFDFA, 0x00BD, 0x2075, 0x1F80, 0x03B1, 0x0313, 0x0300,
        ];
        var inputs = Enumerable.Range(0, 400).Select(_ =>
        {
            var sb = new StringBuilder();
            for (int n = random.Next(1, 7); n > 0; n--)
                sb.Append(char.ConvertFromUtf32(pool[random.Next(pool.Length)]));
            return sb.ToString();
        }).ToArray();

        await using var connection = new NpgsqlConnection(_pg.ConnectionString(PostgresServer.SuperUser));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT normalize(s, NFKC) FROM unnest(@a::text[]) WITH ORDINALITY AS t(s, i) ORDER BY i", connection);
        command.Parameters.AddWithValue("a", inputs);
        await using var reader = await command.ExecuteReaderAsync();
        int index = 0;
        while (await reader.ReadAsync())
        {
            var input = inputs[index++];
            var mine = Nfkc.Normalize(CodePoints(input));
            Assert.True(CodePoints(reader.GetString(0)).SequenceEqual(mine), $"NFKC differs for {string.Join(' ', CodePoints(input).Select(c => c.ToString("X4")))}");
        }
        Assert.Equal(inputs.Length, index);
    }

    private static List<int> CodePoints(string s)
    {
        var list = new List<int>();
        foreach (var rune in s.EnumerateRunes())
            list.Add(rune.Value);
        return list;
    }
}
