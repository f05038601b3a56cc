// Small helpers for running SQL through Npgsql in tests.
using Npgsql;

namespace Pooler.Tests.Functional;

internal static class PgQuery
{
    public static async Task<object?> ScalarAsync(this NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return await cmd.ExecuteScalarAsync();
    }

    public static async Task ExecAsync(this NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
