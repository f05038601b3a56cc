// Per-pool traffic counters: what PgBouncer's SHOW STATS reports, plus errors by SQLSTATE class for metrics.
namespace Pooler.Stats;

/// <summary>
/// Running totals of one pool since it was created. Loop-thread only (plain fields, no atomics): the data path
/// increments them, the admin console and metrics read them through <see cref="Snapshot"/>. Times are in
/// microseconds, as PgBouncer reports them. Counters only grow, so Prometheus can expose them as counters.
/// </summary>
internal sealed class PoolStats
{
    private readonly Dictionary<string, long> _errorsByClass = new(StringComparer.Ordinal);

    /// <summary>Times a server was linked to a client (PgBouncer's total_server_assignment_count).</summary>
    public long ServerAssignmentCount;

    /// <summary>Transactions finished (ReadyForQuery 'I' after client traffic), total_xact_count.</summary>
    public long XactCount;

    /// <summary>Queries finished (one per ReadyForQuery forwarded to a client), total_query_count.</summary>
    public long QueryCount;

    /// <summary>Bytes received from clients (and sent on to servers), total_received.</summary>
    public long Received;

    /// <summary>Bytes sent to clients (received from servers), total_sent.</summary>
    public long Sent;

    /// <summary>Microseconds spent in transactions (first query to idle), total_xact_time.</summary>
    public long XactTimeUs;

    /// <summary>Microseconds spent in queries (sent to ReadyForQuery), total_query_time.</summary>
    public long QueryTimeUs;

    /// <summary>Microseconds clients waited in the queue for a server, total_wait_time.</summary>
    public long WaitTimeUs;

    /// <summary>Parse messages received from clients, total_client_parse_count (incremented by prepared-statement tracking).</summary>
    public long ClientParseCount;

    /// <summary>Parse messages sent to servers (including re-prepares), total_server_parse_count.</summary>
    public long ServerParseCount;

    /// <summary>Bind messages sent to servers, total_bind_count.</summary>
    public long BindCount;

    /// <summary>ErrorResponses forwarded to clients, by SQLSTATE class (first two characters).</summary>
    public IReadOnlyDictionary<string, long> ErrorsByClass => _errorsByClass;

    /// <summary>Count one ErrorResponse by the class of its SQLSTATE ("40" for 40001); malformed codes count as "??".</summary>
    public void AddError(string? sqlState)
    {
        var cls = sqlState is { Length: >= 2 } ? sqlState[..2] : "??";
        _errorsByClass[cls] = _errorsByClass.GetValueOrDefault(cls) + 1;
    }

    /// <summary>A waiter got a server after waiting since <paramref name="since"/>.</summary>
    public void AddWait(DateTimeOffset since, DateTimeOffset now)
    {
        if (now > since)
            WaitTimeUs += Micros(now - since);
    }

    /// <summary>A query (Query, Sync or FunctionCall) went to the server at <paramref name="timestamp"/>.</summary>
    public static void OnQueryStart(QueryClock clock, long timestamp)
    {
        if (clock.QueryStart == 0)
            clock.QueryStart = timestamp;
        if (clock.XactStart == 0)
            clock.XactStart = timestamp;
    }

    /// <summary>
    /// The server's ReadyForQuery reached the client at <paramref name="timestamp"/>: one query done, and the
    /// transaction too when the status is idle. A further pipelined query starts timing from here.
    /// </summary>
    public void OnReady(QueryClock clock, bool idle, bool morePending, long timestamp, TimeProvider time)
    {
        QueryCount++;
        if (clock.QueryStart != 0)
            QueryTimeUs += Micros(time.GetElapsedTime(clock.QueryStart, timestamp));
        clock.QueryStart = morePending ? timestamp : 0;
        if (idle)
        {
            XactCount++;
            if (clock.XactStart != 0)
                XactTimeUs += Micros(time.GetElapsedTime(clock.XactStart, timestamp));
            clock.XactStart = morePending ? timestamp : 0;
        }
    }

    /// <summary>A serialisable copy of the totals.</summary>
    public StatsTotals Snapshot() => new()
    {
        ServerAssignmentCount = ServerAssignmentCount,
        XactCount = XactCount,
        QueryCount = QueryCount,
        Received = Received,
        Sent = Sent,
        XactTimeUs = XactTimeUs,
        QueryTimeUs = QueryTimeUs,
        WaitTimeUs = WaitTimeUs,
        ClientParseCount = ClientParseCount,
        ServerParseCount = ServerParseCount,
        BindCount = BindCount,
        ErrorsByClass = new Dictionary<string, long>(_errorsByClass, StringComparer.Ordinal),
    };

    private static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;
}
