// Parses auth_hba_file (PostgreSQL's pg_hba.conf syntax) and finds the first line matching a connection.
namespace Pooler.Auth;

/// <summary>
/// The rules of an hba file, in order; the first matching one decides, no match means refusal. Parsing never
/// throws on bad content: each bad line is listed in <see cref="Errors"/>. A line whose method is unknown or not
/// supported here (peer, ldap, …) becomes a "reject" line, so a typo never opens access that a later line would
/// not give; a line that cannot be read at all is dropped.
/// </summary>
internal sealed class HbaFile
{
    private static readonly Dictionary<string, HbaConnectionType> s_types = new(StringComparer.Ordinal)
    {
        ["local"] = HbaConnectionType.Local,
        ["host"] = HbaConnectionType.Host,
        ["hostssl"] = HbaConnectionType.HostSsl,
        ["hostnossl"] = HbaConnectionType.HostNoSsl,
        ["hostgssenc"] = HbaConnectionType.HostGssEnc,
        ["hostnogssenc"] = HbaConnectionType.HostNoGssEnc,
    };

    private static readonly Dictionary<string, ClientAuthMethod> s_methods = new(StringComparer.Ordinal)
    {
        ["trust"] = ClientAuthMethod.Trust,
        ["reject"] = ClientAuthMethod.Reject,
        ["password"] = ClientAuthMethod.Password,
        ["md5"] = ClientAuthMethod.Md5,
        ["scram-sha-256"] = ClientAuthMethod.ScramSha256,
        ["cert"] = ClientAuthMethod.Cert,
    };

    private HbaFile(List<HbaRule> rules, List<string> errors, string? path)
    {
        Rules = rules;
        Errors = errors;
        SourcePath = path;
    }

    public IReadOnlyList<HbaRule> Rules { get; }

    /// <summary>"line N: message" for each line that could not be used as written.</summary>
    public IReadOnlyList<string> Errors { get; }

    public string? SourcePath { get; }

    /// <summary>The first rule matching <paramref name="request"/>, or null (the client is refused with 28000).</summary>
    public HbaRule? Match(HbaRequest request)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(request))
                return rule;
        }
        return null;
    }

    /// <summary>Reads a file; an unreadable file gives no rules (everyone refused) and one error.</summary>
    public static HbaFile Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path)), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HbaFile([], [$"cannot read {path}: {e.Message}"], path);
        }
    }

    /// <param name="baseDirectory">Where relative @file names are looked up; null: the current directory.</param>
    public static HbaFile Parse(string text, string? baseDirectory = null, string? path = null)
    {
        var rules = new List<HbaRule>();
        var errors = new List<string>();
        var lineNumber = 0;
        var pending = "";
        var pendingStart = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (pending.Length == 0)
                pendingStart = lineNumber;
            // PostgreSQL 16: a backslash at the end of a line continues it on the next.
            if (line.EndsWith('\\') && !IsInComment(line))
            {
                pending += line[..^1];
                continue;
            }
            line = pending + line;
            pending = "";
            var error = ParseLine(line, pendingStart, baseDirectory, out var rule);
            if (error is not null)
                errors.Add($"line {pendingStart}: {error}");
            if (rule is not null)
                rules.Add(rule);
        }
        return new HbaFile(rules, errors, path);
    }

    private static bool IsInComment(string line)
    {
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
                quoted = !quoted;
            else if (c == '#' && !quoted)
                return true;
        }
        return false;
    }

    private static string? ParseLine(string line, int number, string? baseDirectory, out HbaRule? rule)
    {
        rule = null;
        var error = Tokenize(line, out var fields);
        if (error is not null)
            return error;
        if (fields.Count == 0)
            return null;
        if (fields[0].Count != 1 || !s_types.TryGetValue(fields[0][0].Text, out var type))
            return $"invalid connection type \"{string.Join(",", fields[0].Select(t => t.Text))}\"";
        var local = type == HbaConnectionType.Local;
        if (fields.Count < (local ? 4 : 5))
            return "end-of-line before authentication method";

        var databases = ExpandFiles(fields[1], baseDirectory, out error);
        if (error is not null)
            return error;
        var users = ExpandFiles(fields[2], baseDirectory, out error);
        if (error is not null)
            return error;
        if ((error = HbaNameList.Validate(databases) ?? HbaNameList.Validate(users)) is not null)
            return error;

        var next = 3;
        HbaAddress? address = null;
        if (!local)
        {
            if (fields[3].Count != 1)
                return "multiple values specified for host address";
            var addressText = fields[3][0].Text;
            string? mask = null;
            if (HbaAddress.NeedsMaskColumn(addressText) && fields.Count > 4 && fields[4].Count == 1 && !s_methods.ContainsKey(fields[4][0].Text))
            {
                mask = fields[4][0].Text;
                next = 5;
            }
            else
            {
                next = 4;
            }
            if ((error = HbaAddress.TryParse(addressText, mask, out address)) is not null)
                return error;
            if (fields.Count <= next)
                return "end-of-line before authentication method";
        }

        if (fields[next].Count != 1)
            return "multiple values specified for authentication type";
        var methodText = fields[next][0].Text;
        // Options after the method (clientcert=…, map=…) are accepted and not used.
        var names = new HbaNameList(databases, isDatabase: true);
        var roles = new HbaNameList(users, isDatabase: false);
        if (!s_methods.TryGetValue(methodText, out var method))
        {
            rule = new HbaRule(type, names, roles, address, ClientAuthMethod.Reject, number);
            return $"authentication method \"{methodText}\" is not supported; the line rejects instead";
        }
        rule = new HbaRule(type, names, roles, address, method, number);
        return null;
    }

    /// <summary>Splits a line into fields of comma-separated tokens, as PostgreSQL's tokenizer does.</summary>
    internal static string? Tokenize(string line, out List<List<HbaToken>> fields)
    {
        fields = [];
        var i = 0;
        while (true)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i]))
                i++;
            if (i >= line.Length || line[i] == '#')
                return null;
            var field = new List<HbaToken>();
            while (true)
            {
                var text = new System.Text.StringBuilder();
                var quoted = false;
                var inQuotes = false;
                while (i < line.Length)
                {
                    var c = line[i];
                    if (inQuotes)
                    {
                        if (c == '"')
                        {
                            if (i + 1 < line.Length && line[i + 1] == '"')
                            {
                                text.Append('"');
                                i += 2;
                                continue;
                            }
                            inQuotes = false;
                        }
                        else
                        {
                            text.Append(c);
                        }
                        i++;
                        continue;
                    }
                    if (c == '"')
                    {
                        inQuotes = quoted = true;
                        i++;
                        continue;
                    }
                    if (char.IsWhiteSpace(c) || c == ',' || c == '#')
                        break;
                    text.Append(c);
                    i++;
                }
                if (inQuotes)
                    return "unterminated quoted string";
                field.Add(new HbaToken(text.ToString(), quoted));
                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    // PostgreSQL allows white space after a comma inside one list.
                    while (i < line.Length && char.IsWhiteSpace(line[i]))
                        i++;
                    continue;
                }
                break;
            }
            fields.Add(field);
        }
    }

    /// <summary>Replaces each unquoted @file token by the names listed in that file.</summary>
    private static List<HbaToken> ExpandFiles(List<HbaToken> tokens, string? baseDirectory, out string? error)
    {
        error = null;
        var result = new List<HbaToken>();
        foreach (var t in tokens)
        {
            if (t.Quoted || !t.Text.StartsWith('@') || t.Text.Length == 1)
            {
                result.Add(t);
                continue;
            }
            var file = t.Text[1..];
            if (!Path.IsPathRooted(file))
                file = Path.Combine(baseDirectory ?? ".", file);
            string content;
            try
            {
                content = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"could not open secondary authentication file \"{t.Text}\": {e.Message}";
                return result;
            }
            foreach (var raw in content.Split('\n'))
            {
                if ((error = Tokenize(raw.TrimEnd('\r'), out var fields)) is not null)
                    return result;
                foreach (var field in fields)
                    result.AddRange(field);
            }
        }
        return result;
    }
}
