// Loads a TOML configuration file into an immutable PoolerConfig, or returns every error found.
using Pooler.Config.Binding;
using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Pooler.Config;

/// <summary>
/// Entry point of configuration loading. Binding is done by hand from Tomlyn's syntax tree, which keeps source
/// positions and needs no reflection (Native AOT), and lets unknown keys be reported instead of dropped.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Reads and loads a file. A missing or unreadable file is an error result, not an exception.</summary>
    public static ConfigLoadResult Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ConfigLoadResult.Failure([new ConfigError("", $"cannot read {path}: {e.Message}")]);
        }
        return Parse(text, path);
    }

    /// <summary>Loads configuration text. <paramref name="path"/> names the source in the result and anchors
    /// relative file paths (auth_file, TLS files, ...); null anchors them at the current directory.</summary>
    public static ConfigLoadResult Parse(string text, string? path = null)
    {
        var errors = new List<ConfigError>();
        var root = ParseToml(text, path, errors);
        if (root is null)
            return ConfigLoadResult.Failure(errors);

        var baseDir = path is null ? Environment.CurrentDirectory : Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? ResolvePath(string? p) => p is null ? null : Path.GetFullPath(p, baseDir);

        var top = new SectionReader(root, "", errors);
        var poolerTable = top.SubTable("pooler") ?? new TomlTableNode(0, 0);
        var poolerReader = new SectionReader(poolerTable, "pooler", errors);
        var pooler = PoolerOptionsBinder.Bind(poolerReader, ResolvePath);

        var databases = new Dictionary<string, DatabaseOptions>(StringComparer.Ordinal);
        var databasesReader = BindEach(top, "databases", errors, (name, reader) =>
            databases[name] = DatabaseOptionsBinder.Bind(name, reader));

        var users = new Dictionary<string, UserOptions>(StringComparer.Ordinal);
        var usersReader = BindEach(top, "users", errors, (name, reader) =>
            users[name] = UserOptionsBinder.Bind(name, reader));

        // A global option written above any section header is a common slip; say where it belongs.
        top.ReportUnknownKeys("section", key => poolerReader.KnownKeys.Contains(key) ? "options go under [pooler]" : null);

        var config = new PoolerConfig
        {
            Pooler = pooler,
            Databases = databases,
            Users = users,
            SourcePath = path is null ? null : Path.GetFullPath(path),
        };
        ConfigChecks.Run(config, new SectionReader(poolerTable, "pooler", errors), databasesReader, usersReader, errors);

        if (errors.Count > 0)
            return ConfigLoadResult.Failure(Sorted(errors));
        return ConfigLoadResult.Success(config);
    }

    /// <summary>Binds every sub-table of a section such as [databases]; returns readers by entry name so the
    /// cross-field checks can place their errors.</summary>
    private static Dictionary<string, SectionReader> BindEach(
        SectionReader top, string section, List<ConfigError> errors, Action<string, SectionReader> bind)
    {
        var readers = new Dictionary<string, SectionReader>(StringComparer.Ordinal);
        var table = top.SubTable(section);
        if (table is null)
            return readers;
        foreach (var entry in table.Entries)
        {
            var entryPath = KeyPath.Join(section, entry.Key);
            if (entry.Value is not TomlTableNode sub)
            {
                errors.Add(new ConfigError(entryPath, $"expected a table, got {entry.Value.TypeName}",
                    entry.Value.Line, entry.Value.Column));
                continue;
            }
            var reader = new SectionReader(sub, entryPath, errors);
            bind(entry.Key, reader);
            readers[entry.Key] = reader;
        }
        return readers;
    }

    private static TomlTableNode? ParseToml(string text, string? path, List<ConfigError> errors)
    {
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, path ?? "", validate: true);
        }
        catch (TomlException e)
        {
            errors.Add(new ConfigError("", e.Message, e.Line ?? 0, e.Column ?? 0));
            return null;
        }
        if (!document.HasErrors)
            return TomlTreeBuilder.Build(document);

        foreach (var diagnostic in document.Diagnostics)
        {
            if (diagnostic.Kind != DiagnosticMessageKind.Error)
                continue;
            errors.Add(new ConfigError("", diagnostic.Message ?? "invalid TOML",
                diagnostic.Span.Start.Line + 1, diagnostic.Span.Start.Column + 1));
        }
        return null;
    }

    private static List<ConfigError> Sorted(List<ConfigError> errors) =>
        [.. errors.Select((e, i) => (e, i))
            .OrderBy(x => x.e.Line == 0 ? int.MaxValue : x.e.Line)
            .ThenBy(x => x.e.Column)
            .ThenBy(x => x.i)
            .Select(x => x.e)];
}
