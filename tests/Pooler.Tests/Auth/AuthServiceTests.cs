// AuthService: admin and stats roles, auth_file lookups and reload.
using Pooler.Auth;
using Pooler.Config;
using Serilog;

namespace Pooler.Tests.Auth;

public sealed class AuthServiceTests
{
    private static AuthService Make(PoolerOptions options) =>
        new(new PoolerConfig { Pooler = options }, new LoggerConfiguration().CreateLogger(), TimeProvider.System);

    [Fact]
    public void IsAdmin_IsStatsUser_FromLists()
    {
        var auth = Make(new PoolerOptions { AdminUsers = ["admin"], StatsUsers = ["watcher"] });

        Assert.True(auth.IsAdmin("admin"));
        Assert.False(auth.IsAdmin("watcher"));
        Assert.False(auth.IsAdmin("Admin"));
        Assert.True(auth.IsStatsUser("watcher"));
        Assert.False(auth.IsStatsUser("someone"));
    }

    [Fact]
    public async Task LookupAsync_AuthFileUser_FoundWithKind()
    {
        using var file = TempFile.Write("pooler-userlist", "\"plain\" \"pw\"\n\"hashed\" \"md5" + new string('a', 32) + "\"\n");
        var auth = Make(new PoolerOptions { AuthFile = file.Path });

        var plain = await auth.LookupAsync("db", "plain", _ => null);
        var hashed = await auth.LookupAsync("db", "hashed", _ => null);
        var unknown = await auth.LookupAsync("db", "nobody", _ => null);

        Assert.Equal(SecretKind.Plain, plain.Secret!.Kind);
        Assert.Equal(SecretKind.Md5, hashed.Secret!.Kind);
        Assert.Equal(SecretLookupStatus.UnknownUser, unknown.Status);
    }

    [Fact]
    public async Task Reload_ReReadsAuthFileAndHba()
    {
        using var file = TempFile.Write("pooler-userlist", "\"alice\" \"one\"\n");
        using var hba = TempFile.Write("pooler-hba", "host all all all trust\n");
        var options = new PoolerOptions { AuthFile = file.Path, AuthHbaFile = hba.Path, AuthType = AuthType.Hba };
        var auth = Make(options);

        File.WriteAllText(file.Path, "\"bob\" \"two\"\n");
        File.WriteAllText(hba.Path, "host all all all reject\n");
        auth.Reload(new PoolerConfig { Pooler = options });

        Assert.Equal(SecretLookupStatus.UnknownUser, (await auth.LookupAsync("db", "alice", _ => null)).Status);
        Assert.Equal("two", auth.FileSecret("bob"));
        Assert.Equal(ClientAuthMethod.Reject, auth.Hba!.Rules[0].Method);
    }

    [Fact]
    public void StoredSecret_From_Classifies()
    {
        Assert.Equal(SecretKind.Md5, StoredSecret.From("md5" + new string('F', 32)).Kind);
        Assert.Equal(SecretKind.Plain, StoredSecret.From("md5short").Kind);
        Assert.Equal(SecretKind.Plain, StoredSecret.From("SCRAM-SHA-256$broken").Kind);
        var scram = Pooler.Protocol.Auth.ScramSecret.FromPassword("pw").ToString();
        Assert.Equal(SecretKind.ScramSha256, StoredSecret.From(scram).Kind);
        Assert.DoesNotContain("pw", StoredSecret.From("pw").ToString());
    }
}
