// One database's averages over the last stats period: rates per second, and times per transaction or query.
namespace Pooler.Stats;

internal sealed record StatsAverage
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
}
