// Validation beyond types: enums, ranges, lists, modes, unknown keys everywhere, and cross-field checks.
using Pooler.Config;
using Pooler.Tests.Cli;

namespace Pooler.Tests.Config;

public sealed class ConfigValidationTests
{
    private const string Trust = "[pooler]\nauth_type = \"trust\"\n";

    private static PoolerConfig LoadOk(string toml, string? path = null)
    {
        var result = ConfigLoader.Parse(toml, path);
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        return result.Config;
    }

    private static List<string> Errors(string toml, string? path = null)
    {
        var result = ConfigLoader.Parse(toml, path);
        Assert.False(result.IsSuccess);
        return [.. result.Errors.Select(e => e.ToString())];
    }

    [Fact]
    public void Parse_EveryValueForm_BindsTypedValues()
    {
        var p = LoadOk(Trust + """
            listen_addr = ["127.0.0.1", "::1"]
            unix_socket_mode = 0o700
            ev_backend = "io_uring"
            query_wait_timeout = 2.5
            tcp_user_timeout = 1500
            admin_users = "admin, ops"
            server_reset_query = ""
            client_tls_protocols = "tlsv1.2,tlsv1.3"
            """).Pooler;
        Assert.Equal(["127.0.0.1", "::1"], p.ListenAddr);
        Assert.Equal((UnixFileMode)0x1C0, p.UnixSocketMode);
        Assert.Equal(EventBackendKind.IoUring, p.EvBackend);
        Assert.Equal(TimeSpan.FromSeconds(2.5), p.QueryWaitTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), p.TcpUserTimeout);
        Assert.Equal(["admin", "ops"], p.AdminUsers);
        Assert.Null(p.ServerResetQuery);
    }

    [Theory]
    [InlineData("\"0660\"", 0x1B0)]
    [InlineData("\"777\"", 0x1FF)]
    [InlineData("600", 0x180)]
    [InlineData("0o640", 0x1A0)]
    [InlineData("0x1ff", 0x1FF)]
    public void Parse_UnixSocketModeForms_ReadAsOctal(string value, int expected)
    {
        var p = LoadOk(Trust + $"unix_socket_mode = {value}\n").Pooler;
        Assert.Equal((UnixFileMode)expected, p.UnixSocketMode);
    }

    [Fact]
    public void Parse_ListenAddrCommaList_SplitsAndStar()
    {
        Assert.Equal(["10.0.0.1", "10.0.0.2"], LoadOk(Trust + "listen_addr = \"10.0.0.1, 10.0.0.2\"").Pooler.ListenAddr);
        Assert.Equal(["*"], LoadOk(Trust + "listen_addr = \"*\"").Pooler.ListenAddr);
    }

    [Fact]
    public void Parse_BadValuesEverywhere_ReportsEachWithPathAndPosition()
    {
        var errors = Errors("""
            [pooler]
            auth_type = "kerberos"
            pool_mode = "sesion"
            unix_socket_mode = "0999"
            workers = -1
            query_timeout = -3
            admin_users = [1, 2]
            log_connections = "yes"
            listen_addr = "not an address!"

            [databases.app]
            pool_mode = "txn"
            hosst = "x"

            [users.bob]
            pool_size = 0
            colour = "red"
            """);
        Assert.Equal([
            "pooler.auth_type: unknown value \"kerberos\"; allowed: trust, plain, md5, scram-sha-256, hba, cert (line 2, column 13)",
            "pooler.pool_mode: unknown value \"sesion\"; allowed: session, transaction, statement (line 3, column 13)",
            "pooler.unix_socket_mode: must be an octal mode between 0000 and 0777 (line 4, column 20)",
            "pooler.workers: must be 0..1024 (line 5, column 11)",
            "pooler.query_timeout: must be 0 or more seconds, at most one year (line 6, column 17)",
            "pooler.admin_users: expected an array of strings (line 7, column 16)",
            "pooler.log_connections: expected a boolean, got a string (line 8, column 19)",
            "pooler.listen_addr: \"not an address!\" is not an IP address, a host name or \"*\" (line 9, column 15)",
            "databases.app.pool_mode: unknown value \"txn\"; allowed: session, transaction, statement (line 12, column 13)",
            "databases.app.hosst: unknown option; did you mean \"host\"? (line 13, column 1)",
            "users.bob.pool_size: must be 1 or more (line 16, column 13)",
            "users.bob.colour: unknown option (line 17, column 1)",
        ], errors);
    }

    [Fact]
    public void Parse_UnknownSectionAndNonTableDatabase_Reported()
    {
        var errors = Errors(Trust + "[databses.app]\n[databases]\nreports = \"host=x\"\n");
        Assert.Contains("databses: unknown section; did you mean \"databases\"? (line 3, column 2)", errors);
        Assert.Contains("databases.reports: expected a table, got a string (line 5, column 11)", errors);
    }

    [Fact]
    public void Parse_GlobalOptionOutsidePooler_SaysWhereItBelongs()
    {
        var errors = Errors("listen_port = 6432\n[pooler]\nauth_type = \"trust\"\n");
        Assert.Equal(["listen_port: unknown section; options go under [pooler] (line 1, column 1)"], errors);
    }

    [Fact]
    public void Parse_TableArray_ReportedAsWrongType()
    {
        var errors = Errors(Trust + "[[databases.app]]\nport = 1\n");
        Assert.Contains(errors, e => e.StartsWith("databases.app: expected a table, got an array of tables", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SyntaxError_HasLineAndColumnAndNoKeyPath()
    {
        var result = ConfigLoader.Parse("[pooler]\nauth_type = \"trust\"\nlisten_port = 64 32\n");
        Assert.False(result.IsSuccess);
        var first = result.Errors[0];
        Assert.Equal("", first.KeyPath);
        Assert.Equal(3, first.Line);
        Assert.True(first.Column > 1);
        Assert.StartsWith("syntax error: ", first.ToString());
    }

    [Fact]
    public void Parse_DuplicateKey_IsAnError()
    {
        var result = ConfigLoader.Parse("[pooler]\nlisten_port = 1\nlisten_port = 2\n");
        Assert.False(result.IsSuccess);
        Assert.Contains(result.Errors, e => e.Line == 3);
    }

    [Fact]
    public void Parse_QuotedAndDottedKeys_BindLikeTables()
    {
        var config = LoadOk(Trust + "[databases]\n\"my db\".port = 6000\nother = { host = \"10.1.1.1\", pool_size = 3 }\n");
        Assert.Equal(6000, config.Databases["my db"].Port);
        Assert.Equal("10.1.1.1", config.Databases["other"].Host);
        Assert.Equal(3, config.Databases["other"].PoolSize);
    }

    [Fact]
    public void Parse_WildcardDatabaseError_QuotesStarInPath()
    {
        var errors = Errors(Trust + "[databases.\"*\"]\nport = \"x\"\n");
        Assert.Equal(["databases.\"*\".port: expected an integer, got a string (line 4, column 8)"], errors);
    }

    [Theory]
    [InlineData("min_pool_size = 30", "pooler.min_pool_size: must not exceed default_pool_size (20)")]
    [InlineData("auth_type = \"hba\"", "pooler.auth_type: \"hba\" needs auth_hba_file")]
    [InlineData("auth_type = \"cert\"", "pooler.auth_type: \"cert\" needs client TLS")]
    [InlineData("listen_addr = \"\"\nunix_socket_dir = \"\"", "pooler.listen_addr: no listener")]
    [InlineData("management_port = 6432", "pooler.management_port: must differ from listen_port")]
    [InlineData("max_startup_packet_size = 5000\nmax_packet_size = 4000", "pooler.max_startup_packet_size: must not exceed max_packet_size")]
    [InlineData("client_tls_sslmode = \"require\"", "pooler.client_tls_key_file: required when client_tls_sslmode is \"require\"")]
    [InlineData("management_tls_sslmode = \"require\"", "pooler.client_tls_cert_file: required when management_tls_sslmode is \"require\"")]
    [InlineData("management_tls_sslmode = \"verify-full\"", "pooler.management_tls_sslmode: verify-ca and verify-full are not offered")]
    [InlineData("client_tls_protocols = \"tlsv1.2,sslv3\"", "pooler.client_tls_protocols: unknown protocol \"sslv3\"")]
    [InlineData("unix_socket_dir = \"/nonexistent-dir\"", "pooler.unix_socket_dir: directory not found: /nonexistent-dir")]
    [InlineData("server_tls_key_file = \"/nonexistent/key.pem\"", "pooler.server_tls_cert_file: server_tls_key_file and server_tls_cert_file go together")]
    public void Parse_CrossFieldProblem_Reported(string lines, string expectedStart)
    {
        var header = lines.Contains("auth_type", StringComparison.Ordinal) ? "[pooler]\n" : Trust;
        var errors = Errors(header + lines);
        Assert.Contains(errors, e => e.StartsWith(expectedStart, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Md5WithoutSecretSource_Reported()
    {
        Assert.Contains(Errors("[pooler]\n"), e => e.StartsWith("pooler.auth_type: \"md5\" needs auth_file or auth_user", StringComparison.Ordinal));
        LoadOk("[pooler]\nauth_user = \"pgbouncer\"");
        LoadOk("[pooler]\nauth_type = \"scram-sha-256\"\n[databases.app]\nauth_user = \"lookup\"");
    }

    [Fact]
    public void Parse_DatabaseChecks_ReservedNameAndMinAbovePool()
    {
        var errors = Errors(Trust + "[databases.pgbouncer]\n[databases.app]\npool_size = 2\nmin_pool_size = 3\n[databases.b]\nhost = \"bad host\"\n");
        Assert.Contains("databases.pgbouncer: \"pgbouncer\" is reserved for the admin console (line 3, column 2)", errors);
        Assert.Contains("databases.app: min_pool_size (3) must not exceed pool_size (2)".Replace("databases.app:", "databases.app.min_pool_size:") + " (line 6, column 17)", errors);
        Assert.Contains(errors, e => e.StartsWith("databases.b.host: \"bad host\" is not an IP address", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DatabaseHostUnixSocketDir_Accepted()
    {
        Assert.Equal("/var/run/postgresql", LoadOk(Trust + "[databases.a]\nhost = \"/var/run/postgresql\"").Databases["a"].Host);
    }

    [Fact]
    public void Parse_RelativeFilePaths_ResolvedAgainstConfigDirectory()
    {
        using var dir = new TempDir();
        dir.Write("userlist.txt", "\"u\" \"p\"\n");
        var path = dir.Write("pooler.toml", "[pooler]\nauth_file = \"userlist.txt\"\npidfile = \"run/p.pid\"\n");
        Directory.CreateDirectory(Path.Combine(dir.Path, "run"));
        var config = LoadOk(File.ReadAllText(path), path);
        Assert.Equal(Path.Combine(dir.Path, "userlist.txt"), config.Pooler.AuthFile);
        Assert.Equal(Path.Combine(dir.Path, "run", "p.pid"), config.Pooler.PidFile);
        Assert.Equal(path, config.SourcePath);
    }

    [Fact]
    public void Parse_AuthFileProblems_ReportedUnderAuthFile()
    {
        using var dir = new TempDir();
        dir.Write("userlist.txt", "\"good\" \"p\"\nbroken line\n");
        var path = dir.Write("pooler.toml", "[pooler]\nauth_file = \"userlist.txt\"\n");
        var errors = Errors(File.ReadAllText(path), path);
        Assert.Equal([$"pooler.auth_file: {dir.Path}/userlist.txt line 2: expected \"user\" \"password\" (line 2, column 13)"], errors);

        var missing = Errors("[pooler]\nauth_file = \"nope.txt\"\n", path);
        Assert.Equal([$"pooler.auth_file: file not found: {dir.Path}/nope.txt (line 2, column 13)"], missing);
    }

    [Fact]
    public void Parse_ClientTlsWithExistingFiles_Accepted()
    {
        using var dir = new TempDir();
        // The check reads the files themselves now (issue 10), so they must hold a real certificate and key.
        using var certs = Pooler.TestSupport.TestCertificates.Create();
        var (certFile, keyFile) = certs.IssueServer("pooler", "localhost");
        dir.Write("key.pem", File.ReadAllText(keyFile));
        dir.Write("cert.pem", File.ReadAllText(certFile));
        var path = dir.Write("pooler.toml", "");
        var config = LoadOk(Trust + "client_tls_sslmode = \"require\"\nclient_tls_key_file = \"key.pem\"\nclient_tls_cert_file = \"cert.pem\"\n", path);
        Assert.Equal(TlsMode.Require, config.Pooler.ClientTlsSslMode);
        Assert.Equal(Path.Combine(dir.Path, "cert.pem"), config.Pooler.ClientTlsCertFile);
    }

    [Fact]
    public void ManagementSocketPath_DerivedOrExplicitOrNone()
    {
        Assert.Equal("/tmp/.s.PGSQL.7000.mgmt", LoadOk(Trust + "listen_port = 7000").Pooler.ManagementSocketPath);
        Assert.Equal("/tmp/m.sock", LoadOk(Trust + "management_socket = \"/tmp/m.sock\"").Pooler.ManagementSocketPath);
        Assert.Null(LoadOk(Trust + "unix_socket_dir = \"\"").Pooler.ManagementSocketPath);
    }

    [Fact]
    public void Suggest_Typos_FindNearestName()
    {
        string[] known = ["listen_port", "listen_addr", "pool_mode"];
        Assert.Equal("listen_port", Pooler.Config.Binding.NameSuggester.Suggest("listen_prot", known));
        Assert.Equal("pool_mode", Pooler.Config.Binding.NameSuggester.Suggest("poolmode", known));
        Assert.Null(Pooler.Config.Binding.NameSuggester.Suggest("completely_else", known));
    }
}
