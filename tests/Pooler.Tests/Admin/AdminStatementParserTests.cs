// Unit tests of the admin console's statement parser: PgBouncer's spellings, arguments and mistakes.
using Pooler.Admin;
using Pooler.Management;

namespace Pooler.Tests.Admin;

public sealed class AdminStatementParserTests
{
    [Theory]
    [InlineData("SHOW POOLS", "POOLS")]
    [InlineData("  show stats_totals ;", "STATS_TOTALS")]
    [InlineData("Show Clients;", "CLIENTS")]
    public void Parse_Show_SubjectUpperCase(string sql, string subject)
    {
        var statement = AdminStatementParser.Parse(sql);

        Assert.Equal(subject, statement.ShowSubject);
        Assert.Null(statement.Error);
    }

    [Theory]
    [InlineData("PAUSE", "Pause", null)]
    [InlineData("pause app;", "Pause", "app")]
    [InlineData("RESUME \"app\"", "Resume", "app")]
    [InlineData("KILL app", "Kill", "app")]
    [InlineData("RECONNECT", "Reconnect", null)]
    [InlineData("WAIT_CLOSE app", "WaitClose", "app")]
    [InlineData("DISABLE app", "Disable", "app")]
    [InlineData("ENABLE app", "Enable", "app")]
    public void Parse_DatabaseCommands_KindAndTarget(string sql, string kind, string? database)
    {
        var command = AdminStatementParser.Parse(sql).Command;

        Assert.NotNull(command);
        Assert.Equal(kind, command.Kind.ToString());
        Assert.Equal(database, command.Database);
    }

    [Fact]
    public void Parse_SetAndKillClientAndShutdown_Arguments()
    {
        var set = AdminStatementParser.Parse("SET default_pool_size = '30'").Command!;
        var setTo = AdminStatementParser.Parse("set log_connections to 0").Command!;
        var kill = AdminStatementParser.Parse("KILL_CLIENT 42").Command!;
        var shutdown = AdminStatementParser.Parse("SHUTDOWN WAIT_FOR_CLIENTS").Command!;

        Assert.Equal(("default_pool_size", "30"), (set.Key, set.Value));
        Assert.Equal(("log_connections", "0"), (setTo.Key, setTo.Value));
        Assert.Equal(42, kill.ClientId);
        Assert.True(shutdown.Graceful);
        Assert.False(AdminStatementParser.Parse("SHUTDOWN").Command!.Graceful);
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("SHOW")]
    [InlineData("ENABLE")]
    [InlineData("KILL_CLIENT abc")]
    [InlineData("PAUSE a b")]
    [InlineData("SET nothing")]
    [InlineData("SHUTDOWN NOW")]
    public void Parse_Mistakes_ErrorNotCommand(string sql)
    {
        var statement = AdminStatementParser.Parse(sql);

        Assert.NotNull(statement.Error);
        Assert.NotEmpty(statement.Error);
        Assert.Null(statement.Command);
    }

    [Fact]
    public void Parse_Empty_EmptyErrorForEmptyQueryResponse() => Assert.Equal("", AdminStatementParser.Parse(" ; ").Error);
}
