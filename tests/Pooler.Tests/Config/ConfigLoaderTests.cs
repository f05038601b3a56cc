// Loading TOML into PoolerConfig: defaults, values, and every kind of error with its key path and position.
using Pooler.Config;

namespace Pooler.Tests.Config;

public sealed class ConfigLoaderTests
{
    private static PoolerConfig LoadOk(string toml)
    {
        var result = ConfigLoader.Parse(toml);
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        return result.Config;
    }

    private static IReadOnlyList<ConfigError> LoadErrors(string toml)
    {
        var result = ConfigLoader.Parse(toml);
        Assert.False(result.IsSuccess);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    [Fact]
    public void Parse_OnlyAuthType_GivesPgBouncerDefaults()
    {
        // md5 (the default auth_type) needs a secret source; everything else may be left out.
        var config = LoadOk("[pooler]\nauth_type = \"trust\"");
        var p = config.Pooler;
        Assert.Equal(["127.0.0.1"], p.ListenAddr);
        Assert.Equal(6432, p.ListenPort);
        Assert.Equal("/tmp", p.UnixSocketDir);
        Assert.Equal((UnixFileMode)0x1FF, p.UnixSocketMode);
        Assert.Equal(Environment.ProcessorCount, p.Workers);
        Assert.Equal(EventBackendKind.Auto, p.EvBackend);
        Assert.Equal(PoolMode.Session, p.PoolMode);
        Assert.Equal(20, p.DefaultPoolSize);
        Assert.Equal(100, p.MaxClientConn);
        Assert.Equal(TimeSpan.FromSeconds(5), p.ReservePoolTimeout);
        Assert.Equal("DISCARD ALL", p.ServerResetQuery);
        Assert.Equal(TimeSpan.FromSeconds(120), p.QueryWaitTimeout);
        Assert.Equal(AuthType.Md5, new PoolerOptions().AuthType);
        Assert.Equal(TlsMode.Disable, p.ClientTlsSslMode);
        Assert.Equal(TlsMode.Prefer, p.ServerTlsSslMode);
        Assert.Equal(200, p.MaxPreparedStatements);
        Assert.Empty(config.Databases);
        Assert.Empty(config.Users);
        Assert.Equal("/tmp/.s.PGSQL.6432.mgmt", p.ManagementSocketPath);
    }

    [Fact]
    public void Parse_WrongTypeUnknownKeyAndBadPort_ReportsAllThreeWithPositions()
    {
        var errors = LoadErrors("""
            [pooler]
            auth_type = "trust"
            listen_prot = 6432
            listen_port = "6432"

            [databases.app]
            port = 70000
            """);
        Assert.Equal(3, errors.Count);
        Assert.Equal(new ConfigError("pooler.listen_prot", "unknown option; did you mean \"listen_port\"?", 3, 1), errors[0]);
        Assert.Equal(new ConfigError("pooler.listen_port", "expected an integer, got a string", 4, 15), errors[1]);
        Assert.Equal(new ConfigError("databases.app.port", "must be 1..65535", 7, 8), errors[2]);
    }
}
