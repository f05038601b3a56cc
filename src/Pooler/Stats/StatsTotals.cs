// The serialisable totals of one pool (or of several, merged): what SHOW STATS and the metrics read.
namespace Pooler.Stats;

/// <summary>Immutable copy of <see cref="PoolStats"/>; <see cref="Add"/> merges pools of several workers.</summary>
public sealed record StatsTotals
{
    public long ServerAssignmentCount { get; init; }
    public long XactCount { get; init; }
    public long QueryCount { get; init; }
    public long Received { get; init; }
    public long Sent { get; init; }
    public long XactTimeUs { get; init; }
    public long QueryTimeUs { get; init; }
    public long WaitTimeUs { get; init; }
    public long ClientParseCount { get; init; }
    public long ServerParseCount { get; init; }
    public long BindCount { get; init; }
    public IReadOnlyDictionary<string, long> ErrorsByClass { get; init; } = new Dictionary<string, long>();

    public static StatsTotals Empty { get; } = new();

    /// <summary>Sum of two totals (a database's pools, or the same pool on several workers).</summary>
    public StatsTotals Add(StatsTotals other)
    {
        var errors = new Dictionary<string, long>(ErrorsByClass, StringComparer.Ordinal);
        foreach (var (cls, n) in other.ErrorsByClass)
            errors[cls] = errors.GetValueOrDefault(cls) + n;
        return new StatsTotals
        {
            ServerAssignmentCount = ServerAssignmentCount + other.ServerAssignmentCount,
            XactCount = XactCount + other.XactCount,
            QueryCount = QueryCount + other.QueryCount,
            Received = Received + other.Received,
            Sent = Sent + other.Sent,
            XactTimeUs = XactTimeUs + other.XactTimeUs,
            QueryTimeUs = QueryTimeUs + other.QueryTimeUs,
            WaitTimeUs = WaitTimeUs + other.WaitTimeUs,
            ClientParseCount = ClientParseCount + other.ClientParseCount,
            ServerParseCount = ServerParseCount + other.ServerParseCount,
            BindCount = BindCount + other.BindCount,
            ErrorsByClass = errors,
        };
    }
}
