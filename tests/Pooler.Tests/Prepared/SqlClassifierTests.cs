// The SQL classifier: refusal of SQL-level prepared statements and SET/RESET recognition, never fooled by quoting.
using Pooler.Prepared;

namespace Pooler.Tests.Prepared;

public sealed class SqlClassifierTests
{
    [Theory]
    [InlineData("PREPARE p AS SELECT 1")]
    [InlineData("  execute p(1)")]
    [InlineData("SELECT 1; DEALLOCATE p")]
    [InlineData("EXPLAIN ANALYZE EXECUTE p")]
    [InlineData("explain (analyze, costs off) execute p")]
    [InlineData("CREATE TABLE t AS EXECUTE p")]
    [InlineData("/* c */ PREPARE p AS SELECT 1")]
    [InlineData("execute p(1);  \n")]
    [InlineData("-- note\nEXECUTE p;")]
    [InlineData("SELECT 1;; EXECUTE p")]
    [InlineData("SELECT 'a;'; EXECUTE p")]
    public void ClassifyScript_SqlLevelPrepared_Refused(string sql) => Assert.True(SqlClassifier.ClassifyScript(sql).Refused);

    [Theory]
    [InlineData("SELECT 'PREPARE p AS SELECT 1'")]
    [InlineData("SELECT 1 -- ; EXECUTE p")]
    [InlineData("SELECT $$; EXECUTE p$$")]
    [InlineData("SELECT E'\\'; EXECUTE p'")]
    [InlineData("SELECT \"execute\" FROM t")]
    [InlineData("PREPARE TRANSACTION 'x'")]
    [InlineData("DEALLOCATE ALL")]
    [InlineData("DEALLOCATE PREPARE ALL")]
    [InlineData("GRANT EXECUTE ON FUNCTION f() TO u")]
    public void ClassifyScript_LooksLikeButIsNot_Allowed(string sql) => Assert.False(SqlClassifier.ClassifyScript(sql).Refused);

    [Fact]
    public void ClassifyScript_SetsAndResets_InOrderWithValuesAsWritten()
    {
        var script = SqlClassifier.ClassifyScript("SET search_path TO a, \"B\"; SELECT 1; SET LOCAL work_mem = '1MB'; RESET statement_timeout; SET x.y = DEFAULT; RESET ALL");
        Assert.Equal(
            [new SqlCommand(SqlCommandKind.Set, "search_path", "a , \"B\""), SqlCommand.SetIgnored,
             new SqlCommand(SqlCommandKind.Reset, "statement_timeout"), new SqlCommand(SqlCommandKind.Reset, "x.y"), SqlCommand.ResetAll],
            script.SetCommands);
    }

    [Theory]
    [InlineData("SET statement_timeout = 5000;")]
    [InlineData("  reset work_mem ;\n")]
    [InlineData("(SELECT 1); SET work_mem = '1MB'")]
    public void ClassifyScript_OneStatementWithSetTag_Recognised(string sql) =>
        Assert.Single(SqlClassifier.ClassifyScript(sql).SetCommands);

    [Theory]
    [InlineData("SELECT abalance FROM pgbench_accounts WHERE aid = 1;")]
    [InlineData("BEGIN;")]
    [InlineData("UPDATE t SET x = 1")]
    [InlineData("END")]
    public void ClassifyScript_OneOrdinaryStatement_Plain(string sql) =>
        Assert.Same(SqlScript.Plain, SqlClassifier.ClassifyScript(sql));

    [Theory]
    [InlineData("SET ROLE admin", "role", "admin")]
    [InlineData("set session statement_timeout = 5000", "statement_timeout", "5000")]
    [InlineData("SET SCHEMA 'app'", "search_path", "'app'")]
    public void ClassifySingle_SetForms_NameAndValue(string sql, string name, string value) =>
        Assert.Equal(new SqlCommand(SqlCommandKind.Set, name, value), SqlClassifier.ClassifySingle(sql));

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("UPDATE t SET x = 1")]
    [InlineData("SET TIME ZONE 'UTC'")]
    public void ClassifySingle_NothingToTrack_NotSet(string sql) =>
        Assert.NotEqual(SqlCommandKind.Set, SqlClassifier.ClassifySingle(sql).Kind);

    [Theory]
    [InlineData("SELECT abalance FROM pgbench_accounts WHERE aid = 1;")]
    [InlineData("  (select 1)")]
    [InlineData("BEGIN;")]
    [InlineData("END;\n")]
    [InlineData("UPDATE t SET x = 1")]
    public void IsPlainSingleStatement_OrdinaryStatement_True(string sql) =>
        Assert.True(SqlClassifier.IsPlainSingleStatement(System.Text.Encoding.UTF8.GetBytes(sql)));

    [Theory]
    [InlineData("SET search_path TO a")]
    [InlineData(" execute p(1)")]
    [InlineData("Prepare p AS SELECT 1")]
    [InlineData("SELECT 1; SET x = 1")]
    [InlineData("/* c */ SELECT 1")]
    [InlineData("-- c\nSELECT 1")]
    [InlineData("\u00a0SET x = 1")]
    [InlineData("DEALLOCATE ALL")]
    [InlineData("")]
    public void IsPlainSingleStatement_MayMatterOrUnsure_False(string sql) =>
        Assert.False(SqlClassifier.IsPlainSingleStatement(System.Text.Encoding.UTF8.GetBytes(sql)));

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("SET x = 1")]
    [InlineData("RESET ALL; SELECT 1")]
    [InlineData("select 'a;'")]
    [InlineData("execute p")]
    [InlineData("explain select 1")]
    [InlineData("CREATE TABLE t AS EXECUTE p")]
    [InlineData("INSERT INTO t VALUES (1);;")]
    public void IsPlainSingleStatement_True_AgreesWithClassifyScript(string sql)
    {
        // The fast path may decline text that turns out plain, never the other way round.
        if (SqlClassifier.IsPlainSingleStatement(System.Text.Encoding.UTF8.GetBytes(sql)))
            Assert.Same(SqlScript.Plain, SqlClassifier.ClassifyScript(sql));
    }
}
