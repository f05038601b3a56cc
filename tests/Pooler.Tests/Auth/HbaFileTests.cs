// Parsing auth_hba_file (PostgreSQL's pg_hba.conf syntax) and matching connections against its lines.
using System.Net;
using Pooler.Auth;

namespace Pooler.Tests.Auth;

public sealed class HbaFileTests
{
    private static HbaRequest Tcp(string address, string db, string user, bool tls = false) => new(IPAddress.Parse(address), tls, db, user);

    private static HbaRequest Local(string db, string user) => new(null, false, db, user);

    [Fact]
    public void Parse_TypicalFile_AllLinesRead()
    {
        var hba = HbaFile.Parse("""
            # comment line
            local   all         all                     trust
            host    app,other   alice,+admins   10.0.0.0/8      md5   # trailing comment
            hostssl all         all             ::1/128         scram-sha-256
            hostnossl all       all             192.168.1.0 255.255.255.0   password
            host    all         all             all             reject
            """);

        Assert.Empty(hba.Errors);
        Assert.Equal(5, hba.Rules.Count);
        Assert.Equal([ClientAuthMethod.Trust, ClientAuthMethod.Md5, ClientAuthMethod.ScramSha256, ClientAuthMethod.Password, ClientAuthMethod.Reject],
            hba.Rules.Select(r => r.Method));
        Assert.Equal(6, hba.Rules[4].Line);
    }

    [Fact]
    public void Match_FirstMatchingLineWins()
    {
        var hba = HbaFile.Parse("""
            host all bob 127.0.0.1/32 reject
            host all all 127.0.0.1/32 md5
            host all all 0.0.0.0/0 scram-sha-256
            """);

        Assert.Equal(ClientAuthMethod.Reject, hba.Match(Tcp("127.0.0.1", "db", "bob"))!.Method);
        Assert.Equal(ClientAuthMethod.Md5, hba.Match(Tcp("127.0.0.1", "db", "alice"))!.Method);
        Assert.Equal(ClientAuthMethod.ScramSha256, hba.Match(Tcp("10.1.2.3", "db", "alice"))!.Method);
    }

    [Fact]
    public void Match_NoLine_Null()
    {
        var hba = HbaFile.Parse("host app alice 127.0.0.1/32 trust");

        Assert.Null(hba.Match(Tcp("127.0.0.1", "app", "bob")));
        Assert.Null(hba.Match(Tcp("127.0.0.1", "other", "alice")));
        Assert.Null(hba.Match(Tcp("127.0.0.2", "app", "alice")));
        Assert.Null(hba.Match(Local("app", "alice")));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.0/24", "192.168.1.77", true)]
    [InlineData("192.168.1.0/25", "192.168.1.200", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("::1/128", "127.0.0.1", false)]
    [InlineData("fe80::/10", "fe80::1234", true)]
    [InlineData("127.0.0.1/32", "::ffff:127.0.0.1", true)]
    [InlineData("all", "203.0.113.9", true)]
    [InlineData("samehost", "127.0.0.1", true)]
    public void Match_CidrAddress(string address, string client, bool expected)
    {
        var hba = HbaFile.Parse($"host all all {address} trust");

        Assert.Empty(hba.Errors);
        Assert.Equal(expected, hba.Match(Tcp(client, "db", "u")) is not null);
    }

    [Fact]
    public void Match_SeparateMaskColumn()
    {
        var hba = HbaFile.Parse("host all all 172.16.0.0 255.240.0.0 md5");

        Assert.Empty(hba.Errors);
        Assert.NotNull(hba.Match(Tcp("172.31.1.1", "db", "u")));
        Assert.Null(hba.Match(Tcp("172.32.0.1", "db", "u")));
    }

    [Fact]
    public void Match_HostSslNeverMatchesPlainConnection()
    {
        var hba = HbaFile.Parse("""
            hostssl all all all trust
            hostnossl all all all reject
            """);

        Assert.Equal(ClientAuthMethod.Reject, hba.Match(Tcp("127.0.0.1", "db", "u"))!.Method);
        Assert.Equal(ClientAuthMethod.Trust, hba.Match(Tcp("127.0.0.1", "db", "u", tls: true))!.Method);
    }

    [Fact]
    public void Match_LocalOnlyUnixSockets_HostOnlyTcp()
    {
        var hba = HbaFile.Parse("""
            local all all trust
            host all all all md5
            """);

        Assert.Equal(ClientAuthMethod.Trust, hba.Match(Local("db", "u"))!.Method);
        Assert.Equal(ClientAuthMethod.Md5, hba.Match(Tcp("127.0.0.1", "db", "u"))!.Method);
    }

    [Fact]
    public void Match_GssEncLines()
    {
        var hba = HbaFile.Parse("""
            hostgssenc all all all trust
            hostnogssenc all all all md5
            """);

        Assert.Equal(ClientAuthMethod.Md5, hba.Match(Tcp("127.0.0.1", "db", "u"))!.Method);
    }

    [Fact]
    public void Match_DatabaseKeywords()
    {
        var hba = HbaFile.Parse("""
            host sameuser all all trust
            host replication all all reject
            host "all" all all md5
            """);

        Assert.Equal(ClientAuthMethod.Trust, hba.Match(Tcp("127.0.0.1", "alice", "alice"))!.Method);
        // "replication" never matches a normal database; a quoted "all" is a database named all.
        Assert.Null(hba.Match(Tcp("127.0.0.1", "app", "alice")));
        Assert.Equal(ClientAuthMethod.Md5, hba.Match(Tcp("127.0.0.1", "all", "alice"))!.Method);
    }

    [Fact]
    public void Match_QuotedNamesAndCommaLists()
    {
        var hba = HbaFile.Parse("""host "My DB", app "Mixed""Quote",  bob all trust""");

        Assert.Empty(hba.Errors);
        Assert.NotNull(hba.Match(Tcp("127.0.0.1", "My DB", "Mixed\"Quote")));
        Assert.NotNull(hba.Match(Tcp("127.0.0.1", "app", "bob")));
        Assert.Null(hba.Match(Tcp("127.0.0.1", "my db", "bob")));
    }

    [Fact]
    public void Match_GroupMatchesRoleItself_RegexMatchesPattern()
    {
        var hba = HbaFile.Parse("""
            host all +admins all trust
            host all /^app_\d+$ all md5
            """);

        Assert.Equal(ClientAuthMethod.Trust, hba.Match(Tcp("127.0.0.1", "db", "admins"))!.Method);
        Assert.Equal(ClientAuthMethod.Md5, hba.Match(Tcp("127.0.0.1", "db", "app_42"))!.Method);
        Assert.Null(hba.Match(Tcp("127.0.0.1", "db", "app_x")));
    }

    [Fact]
    public void Parse_AtFile_NamesReadFromFile()
    {
        var dir = Directory.CreateTempSubdirectory("pooler-hba-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "users.txt"), "alice, bob\n# comment\ncarol\n");
            var hba = HbaFile.Parse("host all @users.txt all trust", dir);

            Assert.Empty(hba.Errors);
            Assert.NotNull(hba.Match(Tcp("127.0.0.1", "db", "carol")));
            Assert.NotNull(hba.Match(Tcp("127.0.0.1", "db", "bob")));
            Assert.Null(hba.Match(Tcp("127.0.0.1", "db", "dave")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Parse_LineContinuation_JoinsLines()
    {
        var hba = HbaFile.Parse("host all \\\n  alice 127.0.0.1/32 trust");

        Assert.Empty(hba.Errors);
        Assert.NotNull(hba.Match(Tcp("127.0.0.1", "db", "alice")));
    }

    [Theory]
    [InlineData("hots all all all trust", "invalid connection type")]
    [InlineData("host all all", "end-of-line")]
    [InlineData("host all all 127.0.0.1 trust", "needs a CIDR mask")]
    [InlineData("host all all 127.0.0.1/33 trust", "invalid CIDR mask")]
    [InlineData("host all all db.example.com trust", "host names are not supported")]
    [InlineData("host all all all \"trust", "unterminated")]
    [InlineData("host all all 10.0.0.0 255.0.255.0 trust", "invalid IP mask")]
    [InlineData("host all @missing-file all trust", "secondary authentication file")]
    [InlineData("host all /([ all trust", "invalid regular expression")]
    public void Parse_BadLine_ErrorWithLineNumberAndLineDropped(string line, string message)
    {
        var hba = HbaFile.Parse("local all all trust\n" + line);

        var error = Assert.Single(hba.Errors);
        Assert.StartsWith("line 2: ", error);
        Assert.Contains(message, error);
        Assert.Single(hba.Rules);
    }

    [Fact]
    public void Parse_UnsupportedMethod_LineRejectsInstead()
    {
        var hba = HbaFile.Parse("""
            host all all 127.0.0.1/32 ldap ldapserver=x
            host all all all trust
            """);

        Assert.Contains("ldap", Assert.Single(hba.Errors));
        Assert.Equal(ClientAuthMethod.Reject, hba.Match(Tcp("127.0.0.1", "db", "u"))!.Method);
        Assert.Equal(ClientAuthMethod.Trust, hba.Match(Tcp("10.0.0.1", "db", "u"))!.Method);
    }

    [Fact]
    public void Parse_OptionsAfterMethod_Accepted()
    {
        var hba = HbaFile.Parse("hostssl all all all cert clientcert=verify-full");

        Assert.Empty(hba.Errors);
        Assert.Equal(ClientAuthMethod.Cert, hba.Rules[0].Method);
    }

    [Fact]
    public void Load_MissingFile_NoRulesAndError()
    {
        var hba = HbaFile.Load("/nonexistent/pooler-hba.conf");

        Assert.Empty(hba.Rules);
        Assert.Contains("cannot read", Assert.Single(hba.Errors));
    }
}
