// The environment for psql and pgbench: a password when given, and nothing inherited that would redirect them.
namespace Pooler.TestSupport;

internal static class PgEnvironment
{
    public static IReadOnlyDictionary<string, string?> For(string? password) => new Dictionary<string, string?>
    {
        ["PGPASSWORD"] = password,
        ["PGHOST"] = null,
        ["PGPORT"] = null,
        ["PGUSER"] = null,
        ["PGDATABASE"] = null,
        ["PGSERVICE"] = null,
        ["LC_ALL"] = "C",
    };
}
