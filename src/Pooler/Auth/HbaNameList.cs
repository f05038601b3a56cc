// The database or user column of a pg_hba.conf line: names, keywords, +groups and /regular expressions.
using System.Text.RegularExpressions;

namespace Pooler.Auth;

/// <summary>
/// A comma-separated list as PostgreSQL reads it. Keywords (unquoted): all; for databases sameuser, samerole /
/// samegroup and replication; for users +group. @file lists are expanded by the parser. Role membership cannot be
/// looked up without a server, so +group and samerole match only the role itself (a role is a member of itself):
/// a line meant for other members of a group does not match them, which errs on the side of refusing.
/// </summary>
internal sealed class HbaNameList(IReadOnlyList<HbaToken> items, bool isDatabase)
{
    private readonly Regex?[] _regexes = items.Select(t => !t.Quoted && t.Text.StartsWith('/')
        ? new Regex(t.Text[1..], RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)) : null).ToArray();

    public IReadOnlyList<HbaToken> Items { get; } = items;

    public bool Matches(string name, string user)
    {
        for (var i = 0; i < Items.Count; i++)
        {
            var t = Items[i];
            if (_regexes[i] is { } regex)
            {
                if (regex.IsMatch(name))
                    return true;
                continue;
            }
            if (t.IsKeyword("all"))
                return true;
            if (isDatabase)
            {
                if (t.IsKeyword("sameuser") || t.IsKeyword("samerole") || t.IsKeyword("samegroup"))
                {
                    if (name == user)
                        return true;
                    continue;
                }
                if (t.IsKeyword("replication"))
                    continue; // the pooler carries no replication connections
            }
            else if (!t.Quoted && t.Text.StartsWith('+'))
            {
                if (t.Text[1..] == name)
                    return true;
                continue;
            }
            if (t.Text == name)
                return true;
        }
        return false;
    }

    /// <summary>Null when every regular expression compiles; else the message.</summary>
    public static string? Validate(IEnumerable<HbaToken> items)
    {
        foreach (var t in items)
        {
            if (t.Quoted || !t.Text.StartsWith('/'))
                continue;
            try
            {
                _ = new Regex(t.Text[1..], RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                return $"invalid regular expression \"{t.Text}\": {e.Message}";
            }
        }
        return null;
    }
}
