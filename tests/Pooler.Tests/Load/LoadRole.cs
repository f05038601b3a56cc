// A login role of its own for each load test, so that counting server connections in pg_stat_activity sees only
// this test's pool: a pooler left over from another test (or another test's Npgsql pool) uses other roles.
using Pooler.TestSupport;

namespace Pooler.Tests.Load;

internal static class LoadRole
{
    /// <summary>Creates (once) a superuser login role named <paramref name="name"/>; the fixture's pg_hba trusts
    /// every role over TCP, and superuser lets it use the pgbench tables the fixture's superuser created.</summary>
    public static async Task<string> EnsureAsync(PostgresServer pg, string name)
    {
        await pg.ExecuteAsync(
            $"DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE {name} LOGIN SUPERUSER; END IF; END$$");
        return name;
    }
}
