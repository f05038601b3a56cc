// When the query and the transaction in flight on one server started, for the query/xact time counters.
namespace Pooler.Stats;

/// <summary>Timestamps (TimeProvider.GetTimestamp, 0 = none) held per server connection; loop-thread only.</summary>
internal sealed class QueryClock
{
    public long QueryStart;

    public long XactStart;

    /// <summary>Forget a half-timed query (the server changed hands or was reset by the pooler).</summary>
    public void Reset()
    {
        QueryStart = 0;
        XactStart = 0;
    }
}
