// userlist.txt parsing: quoting, comments, secret kinds, malformed lines reported without their secrets.
using Pooler.Config;

namespace Pooler.Tests.Config;

public sealed class AuthFileTests
{
    private const string Scram =
        "SCRAM-SHA-256$4096:cG9vbGVyLXNhbXBsZS1zYQ==$5+RIwsfNXZUAaXY3ikBIaz7qaPAslE6DwjdhI2clzXo=:IzEfa+uAo0Lg2PXxiQpu4njJEz3hvhvIG5c7I0349TU=";

    [Fact]
    public void Parse_ThreeKinds_ClassifiesEachSecret()
    {
        var file = AuthFile.Parse($"""
            "alice" "alice-password"
            "bob" "md58f1147f2f7926449f25de748409f6ec2"
            "carol" "{Scram}"
            """);
        Assert.Empty(file.Errors);
        Assert.Equal(3, file.Entries.Count);
        Assert.Equal(new AuthFileEntry("alice", "alice-password", SecretKind.Plain, 1), file.Find("alice"));
        Assert.Equal(SecretKind.Md5, file.Find("bob")!.Kind);
        var carol = file.Find("carol")!;
        Assert.Equal(SecretKind.ScramSha256, carol.Kind);
        Assert.NotNull(carol.Scram);
        Assert.Equal(4096, carol.Scram.Iterations);
        Assert.Equal(32, carol.Scram.StoredKey.Length);
        Assert.Equal("pooler-sample-sa"u8.ToArray(), carol.Scram.Salt);
    }

    [Fact]
    public void Parse_CommentsBlankLinesAndExtraFields_AreSkipped()
    {
        var file = AuthFile.Parse("; comment\n\n   \n  \"u\" \"p\" \"extra field ignored\"\r\n;\"x\" \"y\"\n");
        Assert.Empty(file.Errors);
        Assert.Equal(["u"], file.Entries.Keys);
        Assert.Equal(4, file.Find("u")!.Line);
    }

    [Fact]
    public void Parse_DoubledQuote_IsOneQuoteCharacter()
    {
        var file = AuthFile.Parse("\"dan\"\"s-app\" \"pa\"\"ss\"");
        Assert.Empty(file.Errors);
        Assert.Equal("pa\"ss", file.Find("dan\"s-app")!.Secret);
    }

    [Fact]
    public void Parse_Md5LookalikeWithBadLength_IsPlain()
    {
        var file = AuthFile.Parse("\"u\" \"md5notreallyahash\"");
        Assert.Equal(SecretKind.Plain, file.Find("u")!.Kind);
    }

    [Fact]
    public void Parse_MalformedLines_ReportedWithLineNumbersWithoutSecrets()
    {
        var file = AuthFile.Parse("""
            alice password
            "bob"
            "carol" "unterminated
            "dave" "SCRAM-SHA-256$4096:bad$secret-material"
            "" "x"
            "erin" "ok"
            """);
        Assert.Equal(["erin"], file.Entries.Keys);
        Assert.Equal([1, 2, 3, 4, 5], file.Errors.Select(e => e.Line));
        Assert.Contains("malformed SCRAM secret for \"dave\"", file.Errors[3].Message);
        Assert.DoesNotContain(file.Errors, e => e.Message.Contains("secret-material") || e.Message.Contains("unterminated"));
    }

    [Fact]
    public void Parse_UserTwice_LastLineWins()
    {
        var file = AuthFile.Parse("\"u\" \"first\"\n\"u\" \"second\"");
        Assert.Equal("second", file.Find("u")!.Secret);
    }

    [Fact]
    public void Load_SampleUserlist_ParsesEveryEntry()
    {
        var path = Path.Combine(Cli.CliHarness.RepoRoot(), "conf", "userlist.txt");
        var file = AuthFile.Load(path);
        Assert.Empty(file.Errors);
        Assert.Equal(SecretKind.Plain, file.Find("alice")!.Kind);
        Assert.Equal(SecretKind.Md5, file.Find("bob")!.Kind);
        Assert.Equal(SecretKind.ScramSha256, file.Find("carol")!.Kind);
        Assert.NotNull(file.Find("dan\"s-app"));
    }

    [Fact]
    public void Load_MissingFile_GivesErrorNotException()
    {
        var file = AuthFile.Load("/nonexistent/userlist.txt");
        Assert.Empty(file.Entries);
        Assert.Equal(0, Assert.Single(file.Errors).Line);
    }

    [Fact]
    public void ToString_NeverContainsTheSecret()
    {
        var entry = AuthFile.Parse($"\"carol\" \"{Scram}\"").Find("carol")!;
        Assert.DoesNotContain("SCRAM-SHA-256$", entry.ToString());
        Assert.DoesNotContain("5+RIw", entry.Scram!.ToString());
    }
}
