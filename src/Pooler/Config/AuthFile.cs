// Parses PgBouncer's userlist.txt: one `"user" "secret"` per line, `;` comments, `""` for a quote inside a name.
namespace Pooler.Config;

/// <summary>
/// The users and secrets of an auth_file. Parsing never throws on bad content: malformed lines are skipped and
/// listed in <see cref="Errors"/> (without the secret). A user listed twice keeps its last line, as in PgBouncer.
/// </summary>
public sealed class AuthFile
{
    private readonly Dictionary<string, AuthFileEntry> _entries;

    private AuthFile(Dictionary<string, AuthFileEntry> entries, List<AuthFileError> errors, string? sourcePath)
    {
        _entries = entries;
        Errors = errors;
        SourcePath = sourcePath;
    }

    /// <summary>Entries by user name (case-sensitive, as PostgreSQL role names).</summary>
    public IReadOnlyDictionary<string, AuthFileEntry> Entries => _entries;

    /// <summary>Malformed lines, or one error with line 0 when the file could not be read.</summary>
    public IReadOnlyList<AuthFileError> Errors { get; }

    /// <summary>The file this came from, or null when parsed from text.</summary>
    public string? SourcePath { get; }

    /// <summary>The entry of a user, or null.</summary>
    public AuthFileEntry? Find(string user) => _entries.GetValueOrDefault(user);

    /// <summary>Reads a file; an unreadable file gives an empty result with one error.</summary>
    public static AuthFile Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new AuthFile([], [new AuthFileError(0, $"cannot read {path}: {e.Message}")], path);
        }
    }

    public static AuthFile Parse(string text, string? sourcePath = null)
    {
        var entries = new Dictionary<string, AuthFileEntry>(StringComparer.Ordinal);
        var errors = new List<AuthFileError>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').AsSpan().TrimStart();
            if (line.IsEmpty || line[0] == ';' || line[0] == '#')
                continue;
            var error = ParseLine(line, lineNumber, out var entry);
            if (error is not null)
                errors.Add(new AuthFileError(lineNumber, error));
            else
                entries[entry!.User] = entry;
        }
        return new AuthFile(entries, errors, sourcePath);
    }

    private static string? ParseLine(ReadOnlySpan<char> line, int lineNumber, out AuthFileEntry? entry)
    {
        entry = null;
        if (!TryReadQuoted(ref line, out var user))
            return "expected \"user\" \"password\"";
        if (user.Length == 0)
            return "empty user name";
        line = line.TrimStart();
        if (!TryReadQuoted(ref line, out var secret))
            return $"expected a quoted password after \"{user}\"";
        // Further fields are ignored, as PgBouncer does.

        var kind = KindOf(secret);
        ScramSecret? scram = null;
        if (kind == SecretKind.ScramSha256 && !ScramSecret.TryParse(secret, out scram))
            return $"malformed SCRAM secret for \"{user}\"";
        entry = new AuthFileEntry(user, secret, kind, lineNumber) { Scram = scram };
        return null;
    }

    /// <summary>Reads one double-quoted field where "" stands for a quote character.</summary>
    private static bool TryReadQuoted(ref ReadOnlySpan<char> line, out string value)
    {
        value = "";
        if (line.IsEmpty || line[0] != '"')
            return false;
        var builder = new System.Text.StringBuilder();
        var i = 1;
        while (i < line.Length)
        {
            if (line[i] == '"')
            {
                if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    builder.Append('"');
                    i += 2;
                    continue;
                }
                value = builder.ToString();
                line = line[(i + 1)..];
                return true;
            }
            builder.Append(line[i]);
            i++;
        }
        return false;
    }

    private static SecretKind KindOf(string secret)
    {
        if (secret.StartsWith(ScramSecret.Prefix, StringComparison.Ordinal))
            return SecretKind.ScramSha256;
        if (secret.Length == 35 && secret.StartsWith("md5", StringComparison.Ordinal) && !secret.AsSpan(3).ContainsAnyExcept("0123456789abcdefABCDEF"))
            return SecretKind.Md5;
        return SecretKind.Plain;
    }
}
