// User > database > global resolution of pool settings, and the "*" database fallback.
using Pooler.Config;

namespace Pooler.Tests.Config;

public sealed class PoolResolutionTests
{
    private static readonly PoolerConfig Config = Load("""
        [pooler]
        auth_type = "trust"
        pool_mode = "transaction"
        default_pool_size = 10
        min_pool_size = 1
        reserve_pool_size = 2
        max_db_connections = 50
        max_user_connections = 40

        [databases.app]
        dbname = "app_prod"
        pool_size = 15
        pool_mode = "session"
        min_pool_size = 3

        [databases.plain]

        [databases."*"]
        host = "10.0.0.9"

        [users.batch]
        pool_mode = "statement"
        pool_size = 4
        max_user_connections = 5
        """);

    private static PoolerConfig Load(string toml)
    {
        var result = ConfigLoader.Parse(toml);
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        return result.Config;
    }

    [Fact]
    public void ResolvePool_NoOverrides_UsesGlobal()
    {
        var s = Config.ResolvePool("plain", "alice");
        Assert.Equal(new ResolvedPoolOptions(PoolMode.Transaction, 10, 1, 2, 50, 40, 0), s);
    }

    [Fact]
    public void ResolvePool_DatabaseOverrides_WinOverGlobal()
    {
        var s = Config.ResolvePool("app", "alice");
        Assert.Equal(PoolMode.Session, s.PoolMode);
        Assert.Equal(15, s.PoolSize);
        Assert.Equal(3, s.MinPoolSize);
        Assert.Equal(2, s.ReservePoolSize);
    }

    [Fact]
    public void ResolvePool_UserOverrides_WinOverDatabase()
    {
        var s = Config.ResolvePool("app", "batch");
        Assert.Equal(PoolMode.Statement, s.PoolMode);
        Assert.Equal(4, s.PoolSize);
        Assert.Equal(5, s.MaxUserConnections);
        Assert.Equal(3, s.MinPoolSize);
    }

    [Fact]
    public void FindDatabase_UnlistedName_FallsBackToWildcard()
    {
        var db = Config.FindDatabase("reports");
        Assert.NotNull(db);
        Assert.Equal("*", db.Name);
        Assert.Equal("10.0.0.9", db.Host);
        Assert.Equal("reports", db.ServerDbName("reports"));
    }

    [Fact]
    public void FindDatabase_ListedName_UsesItsEntryAndDbName()
    {
        var db = Config.FindDatabase("app");
        Assert.NotNull(db);
        Assert.Equal("app_prod", db.ServerDbName("app"));
        Assert.Equal(5432, db.Port);
    }

    [Fact]
    public void FindDatabase_NoWildcard_ReturnsNull()
    {
        var config = Load("[pooler]\nauth_type = \"trust\"\n[databases.app]");
        Assert.Null(config.FindDatabase("other"));
    }
}
