// Loads saslprep-tables.bin (made by generate_tables.py): RFC 3454 stringprep tables and Unicode 14 NFKC data.
using System.Buffers.Binary;
using System.Collections.Frozen;

namespace Pooler.Protocol.Auth;

/// <summary>
/// The data behind <see cref="SaslPrep"/>. Shipped as an embedded resource rather than taken from
/// string.Normalize because the pooler runs with InvariantGlobalization, where Normalize does nothing; and so the
/// result matches PostgreSQL's own tables rather than whatever ICU the host has.
/// </summary>
internal sealed class UnicodeTables
{
    private static readonly Lazy<UnicodeTables> s_instance = new(Load);

    public static UnicodeTables Instance => s_instance.Value;

    /// <summary>A.1 unassigned in Unicode 3.2.</summary>
    public required (int Start, int End)[] Unassigned { get; init; }
    /// <summary>B.1 commonly mapped to nothing.</summary>
    public required (int Start, int End)[] MappedToNothing { get; init; }
    /// <summary>C.1.2 non-ASCII space, mapped to SPACE.</summary>
    public required (int Start, int End)[] NonAsciiSpace { get; init; }
    /// <summary>C.1.2 and C.2.1–C.9 together: prohibited output.</summary>
    public required (int Start, int End)[] Prohibited { get; init; }
    /// <summary>D.1 characters with bidi property R or AL.</summary>
    public required (int Start, int End)[] RandALCat { get; init; }
    /// <summary>D.2 characters with bidi property L.</summary>
    public required (int Start, int End)[] LCat { get; init; }
    public required FrozenDictionary<int, byte> CombiningClass { get; init; }
    public required FrozenDictionary<int, int[]> Decomposition { get; init; }
    public required FrozenDictionary<long, int> Composition { get; init; }

    public static bool InRanges((int Start, int End)[] ranges, int cp)
    {
        int lo = 0, hi = ranges.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cp < ranges[mid].Start) hi = mid - 1;
            else if (cp > ranges[mid].End) lo = mid + 1;
            else return true;
        }
        return false;
    }

    private static UnicodeTables Load()
    {
        using var stream = typeof(UnicodeTables).Assembly.GetManifestResourceStream("Pooler.Protocol.saslprep-tables.bin")
            ?? throw new InvalidOperationException("saslprep-tables.bin resource missing");
        var data = new byte[stream.Length];
        stream.ReadExactly(data);
        int pos = 0;
        int Next() { int v = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(pos)); pos += 4; return v; }
        (int, int)[] Ranges()
        {
            var r = new (int, int)[Next()];
            for (int i = 0; i < r.Length; i++) r[i] = (Next(), Next());
            return r;
        }

        var a1 = Ranges(); var b1 = Ranges(); var c12 = Ranges(); var prohibited = Ranges(); var d1 = Ranges(); var d2 = Ranges();
        var ccc = new Dictionary<int, byte>();
        for (int n = Next(); n > 0; n--) ccc[Next()] = (byte)Next();
        var decomposition = new Dictionary<int, int[]>();
        for (int n = Next(); n > 0; n--)
        {
            int cp = Next();
            var d = new int[Next()];
            for (int i = 0; i < d.Length; i++) d[i] = Next();
            decomposition[cp] = d;
        }
        var composition = new Dictionary<long, int>();
        for (int n = Next(); n > 0; n--)
        {
            long key = ((long)Next() << 32) | (uint)Next();
            composition[key] = Next();
        }
        return new UnicodeTables
        {
            Unassigned = a1, MappedToNothing = b1, NonAsciiSpace = c12, Prohibited = prohibited, RandALCat = d1, LCat = d2,
            CombiningClass = ccc.ToFrozenDictionary(), Decomposition = decomposition.ToFrozenDictionary(),
            Composition = composition.ToFrozenDictionary(),
        };
    }
}
