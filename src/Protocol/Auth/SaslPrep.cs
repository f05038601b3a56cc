// SASLprep (RFC 4013) of SCRAM passwords, with PostgreSQL's rules: ASCII passes unchanged, failure means "use raw".
using System.Text;

namespace Pooler.Protocol.Auth;

/// <summary>Prepares passwords exactly as PostgreSQL's pg_saslprep does.</summary>
public static class SaslPrep
{
    /// <summary>
    /// The string to hash: the SASLprep result, or the password unchanged when SASLprep rejects it (PostgreSQL does
    /// the same, so such passwords still work, just without normalization).
    /// </summary>
    public static string PreparePassword(string password) => TryPrepare(password, out var prepared) ? prepared : password;

    /// <summary>RFC 4013: map, NFKC, prohibit, bidi check. False when the result would be empty or prohibited.</summary>
    public static bool TryPrepare(string input, out string output)
    {
        output = input;
        if (Ascii.IsValid(input))
            return true;                                   // PostgreSQL skips all steps for pure ASCII

        var t = UnicodeTables.Instance;
        var mapped = new List<int>(input.Length);
        foreach (var rune in EnumerateRunes(input))
        {
            if (rune < 0)
                return false;                              // lone surrogate: not valid UTF-8 either
            if (UnicodeTables.InRanges(t.NonAsciiSpace, rune))
                mapped.Add(' ');
            else if (!UnicodeTables.InRanges(t.MappedToNothing, rune))
                mapped.Add(rune);
        }
        if (mapped.Count == 0)
            return false;

        var normalized = Nfkc.Normalize(mapped);
        bool hasRandAL = false;
        foreach (int cp in normalized)
        {
            if (UnicodeTables.InRanges(t.Prohibited, cp) || UnicodeTables.InRanges(t.Unassigned, cp))
                return false;
            hasRandAL |= UnicodeTables.InRanges(t.RandALCat, cp);
        }
        if (hasRandAL)
        {
            foreach (int cp in normalized)
                if (UnicodeTables.InRanges(t.LCat, cp))
                    return false;
            if (!UnicodeTables.InRanges(t.RandALCat, normalized[0]) || !UnicodeTables.InRanges(t.RandALCat, normalized[^1]))
                return false;
        }

        var sb = new StringBuilder(normalized.Count);
        foreach (int cp in normalized)
            sb.Append(char.ConvertFromUtf32(cp));
        output = sb.ToString();
        return true;
    }

    private static IEnumerable<int> EnumerateRunes(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                yield return char.ConvertToUtf32(s[i], s[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(s[i]))
                yield return -1;
            else
                yield return s[i];
        }
    }
}
