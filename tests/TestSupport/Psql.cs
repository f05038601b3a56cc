// Runs SQL through psql, the reference client, against a server or a pooler.
using System.Globalization;

namespace Pooler.TestSupport;

public static class Psql
{
    /// <summary>`psql -X -w -A -t -v ON_ERROR_STOP=1 -c SQL`: unaligned rows without headers on stdout, and a
    /// non-zero exit code on the first error; -w never prompts for a password.</summary>
    public static Task<ProcessResult> RunAsync(
        string host, int port, string user, string database, string sql, string? password = null, CancellationToken ct = default) =>
        ProcessRunner.RunAsync(PgTools.Psql,
            ["-X", "-w", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", database, "-c", sql],
            environment: PgEnvironment.For(password), ct: ct);
}
