// Unicode normalization form KC over code points (UAX #15): decompose, reorder by combining class, compose.
namespace Pooler.Protocol.Auth;

/// <summary>NFKC from <see cref="UnicodeTables"/>; Hangul syllables are handled algorithmically.</summary>
internal static class Nfkc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    public static List<int> Normalize(IReadOnlyList<int> input)
    {
        var t = UnicodeTables.Instance;
        var buffer = new List<int>(input.Count);
        foreach (int cp in input)
        {
            int s = cp - SBase;
            if (s >= 0 && s < SCount)
            {
                buffer.Add(LBase + s / NCount);
                buffer.Add(VBase + s % NCount / TCount);
                if (s % TCount != 0) buffer.Add(TBase + s % TCount);
            }
            else if (t.Decomposition.TryGetValue(cp, out var d))
                buffer.AddRange(d);
            else
                buffer.Add(cp);
        }

        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (int i = 1; i < buffer.Count; i++)
        {
            int cc = Ccc(t, buffer[i]);
            if (cc == 0) continue;
            for (int j = i; j > 0; j--)
            {
                int prev = Ccc(t, buffer[j - 1]);
                if (prev <= cc) break;
                (buffer[j - 1], buffer[j]) = (buffer[j], buffer[j - 1]);
            }
        }

        var output = new List<int>(buffer.Count);
        int starter = -1, lastCcc = 0;
        foreach (int cp in buffer)
        {
            int cc = Ccc(t, cp);
            if (starter >= 0)
            {
                bool adjacent = output.Count - 1 == starter;
                if ((adjacent || (lastCcc != 0 && lastCcc < cc)) && TryCompose(t, output[starter], cp, out int composite))
                {
                    output[starter] = composite;
                    continue;
                }
            }
            if (cc == 0)
            {
                starter = output.Count;
                lastCcc = 0;
            }
            else
                lastCcc = cc;
            output.Add(cp);
        }
        return output;
    }

    private static int Ccc(UnicodeTables t, int cp) => t.CombiningClass.TryGetValue(cp, out byte c) ? c : 0;

    private static bool TryCompose(UnicodeTables t, int first, int second, out int composite)
    {
        int l = first - LBase, v = second - VBase;
        if (l >= 0 && l < LCount && v >= 0 && v < VCount)
        {
            composite = SBase + (l * VCount + v) * TCount;
            return true;
        }
        int s = first - SBase, tIndex = second - TBase;
        if (s >= 0 && s < SCount && s % TCount == 0 && tIndex > 0 && tIndex < TCount)
        {
            composite = first + tIndex;
            return true;
        }
        return t.Composition.TryGetValue(((long)first << 32) | (uint)second, out composite);
    }
}
