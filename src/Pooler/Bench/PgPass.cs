// Looks a password up in ~/.pgpass (or PGPASSFILE) the way libpq does: first matching line wins, '*' matches anything.
using System.Text;

namespace Pooler.Bench;

/// <summary>libpq's password file: lines <c>hostname:port:database:username:password</c>, '\' escapes ':' and '\'.</summary>
public static class PgPass
{
    /// <summary>The password of the first line matching all four fields, or null (no file, no match, unreadable).</summary>
    public static string? Find(Func<string, string?> env, string host, int port, string database, string user)
    {
        var path = env("PGPASSFILE");
        if (path is null && env("HOME") is { Length: > 0 } home)
            path = Path.Combine(home, ".pgpass");
        if (path is null || !File.Exists(path))
            return null;
        try
        {
            return Match(File.ReadAllLines(path), host, port.ToString(System.Globalization.CultureInfo.InvariantCulture), database, user);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The password of the first line of <paramref name="lines"/> matching, or null.</summary>
    public static string? Match(IEnumerable<string> lines, string host, string port, string database, string user)
    {
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var fields = Split(line);
            if (fields.Count < 5)
                continue;
            if (Matches(fields[0], host) && Matches(fields[1], port) && Matches(fields[2], database) && Matches(fields[3], user))
                return fields[4];
        }
        return null;
    }

    private static bool Matches(string pattern, string value) => pattern == "*" || pattern == value;

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (ch == '\\' && i + 1 < line.Length)
                current.Append(line[++i]);
            else if (ch == ':' && fields.Count < 4)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
                current.Append(ch);
        }
        fields.Add(current.ToString());
        return fields;
    }
}
