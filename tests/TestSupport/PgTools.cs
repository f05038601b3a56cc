// Locates the PostgreSQL programs (server and client) that the fixture and the tests run.
namespace Pooler.TestSupport;

public static class PgTools
{
    private const string DebianRoot = "/usr/lib/postgresql";

    private static readonly Lazy<string> LazyBinDir = new(FindBinDir);

    public const string InstallHint =
        "Install them with `apt-get install -y postgresql` (./scripts/test and ./scripts/quickstart do this), " +
        "or set PG_BIN to the directory that holds initdb and postgres.";

    /// <summary>The directory holding initdb and postgres: $PG_BIN if set, else the highest
    /// /usr/lib/postgresql/&lt;version&gt;/bin with initdb, else `pg_config --bindir`.</summary>
    public static string BinDir => LazyBinDir.Value;

    public static string Initdb => InBinDir("initdb");

    public static string Postgres => InBinDir("postgres");

    /// <summary>psql from the server's bin directory when present (same version), else from PATH.</summary>
    public static string Psql => InBinDirOrPath("psql");

    public static string PgBench => InBinDirOrPath("pgbench");

    public static string PgIsReady => InBinDirOrPath("pg_isready");

    private static string InBinDir(string program)
    {
        var path = Path.Combine(BinDir, program);
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} does not exist. {InstallHint}");
        return path;
    }

    private static string InBinDirOrPath(string program)
    {
        var candidates = new List<string>();
        if (TryFindBinDir() is { } bin)
            candidates.Add(Path.Combine(bin, program));
        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? "";
        candidates.AddRange(pathVariable.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, program)));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{program} was not found in the PostgreSQL bin directory or on PATH. {InstallHint}");
    }

    private static string FindBinDir() =>
        TryFindBinDir() ?? throw new InvalidOperationException($"PostgreSQL server binaries (initdb, postgres) were not found. {InstallHint}");

    private static string? TryFindBinDir()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return File.Exists(Path.Combine(fromEnvironment, "initdb")) ? fromEnvironment : null;

        if (Directory.Exists(DebianRoot))
        {
            var highest = Directory.EnumerateDirectories(DebianRoot)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: ParseVersion(Path.GetFileName(dir))))
                .Where(candidate => candidate.Version is not null && File.Exists(Path.Combine(candidate.Dir, "initdb")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Dir)
                .FirstOrDefault();
            if (highest is not null)
                return highest;
        }

        return FromPgConfig();
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.') ? name : name + ".0", out var version) ? version : null;

    private static string? FromPgConfig()
    {
        try
        {
            var result = ProcessRunner.RunAsync("pg_config", ["--bindir"]).GetAwaiter().GetResult();
            var dir = result.StdOut.Trim();
            return result.Succeeded && File.Exists(Path.Combine(dir, "initdb")) ? dir : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config is not installed either.
        }
    }
}
