// Per-pool traffic counters: what PgBouncer's SHOW STATS reports, plus errors by SQLSTATE class for metrics.
using Pooler.Io;

namespace Pooler.Stats;

/// <summary>
/// Running totals of one pool. Loop-thread only: the data path increments them with plain stores, no atomics. The
/// eleven counters live in a <see cref="SharedCounterRow"/>: with workers &gt; 0 a row of the worker's table in
/// shared memory (see <c>SharedStatsTable</c>), so they outlive a worker that crashes and its replacement goes on
/// from them; otherwise (one process, tests, or a full table) a process-local row. The admin console and metrics
/// read them through <see cref="Snapshot"/> or, across workers, straight from shared memory. Errors by class stay
/// process-local (a dictionary of strings does not fit a fixed row): a dead worker's errors leave the totals.
/// Times are in microseconds, as PgBouncer reports them. Counters only grow, so Prometheus can expose them as counters.
/// </summary>
internal sealed class PoolStats
{
    // Positions in the row. The shared-memory layout depends on them: a change here bumps SharedLayout.Version.
    private const int ServerAssignments = 0, Xacts = 1, Queries = 2, ReceivedBytes = 3, SentBytes = 4, XactTime = 5,
        QueryTime = 6, WaitTime = 7, ClientParses = 8, ServerParses = 9, Binds = 10;

    /// <summary>Counters in a row.</summary>
    public const int CounterCount = 11;

    private readonly Dictionary<string, long> _errorsByClass = new(StringComparer.Ordinal);
    private readonly SharedCounterRow _row;

    /// <summary>Process-local counters, starting at zero.</summary>
    public PoolStats()
        : this(SharedCounterRow.Local(CounterCount))
    {
    }

    /// <summary>Counters kept in <paramref name="row"/>, going on from the values already there.</summary>
    public PoolStats(SharedCounterRow row)
    {
        if (!row.IsValid || row.Count < CounterCount)
            throw new ArgumentException($"a stats row needs {CounterCount} counters", nameof(row));
        _row = row;
    }

    /// <summary>Whether the counters are in shared memory (readers then sum them there, not from snapshots).</summary>
    public bool IsShared => _row.IsShared;

    /// <summary>Times a server was linked to a client (PgBouncer's total_server_assignment_count).</summary>
    public ref long ServerAssignmentCount => ref _row[ServerAssignments];

    /// <summary>Transactions finished (ReadyForQuery 'I' after client traffic), total_xact_count.</summary>
    public ref long XactCount => ref _row[Xacts];

    /// <summary>Queries finished (one per ReadyForQuery forwarded to a client), total_query_count.</summary>
    public ref long QueryCount => ref _row[Queries];

    /// <summary>Bytes received from clients (and sent on to servers), total_received.</summary>
    public ref long Received => ref _row[ReceivedBytes];

    /// <summary>Bytes sent to clients (received from servers), total_sent.</summary>
    public ref long Sent => ref _row[SentBytes];

    /// <summary>Microseconds spent in transactions (first query to idle), total_xact_time.</summary>
    public ref long XactTimeUs => ref _row[XactTime];

    /// <summary>Microseconds spent in queries (sent to ReadyForQuery), total_query_time.</summary>
    public ref long QueryTimeUs => ref _row[QueryTime];

    /// <summary>Microseconds clients waited in the queue for a server, total_wait_time.</summary>
    public ref long WaitTimeUs => ref _row[WaitTime];

    /// <summary>Parse messages received from clients, total_client_parse_count (incremented by prepared-statement tracking).</summary>
    public ref long ClientParseCount => ref _row[ClientParses];

    /// <summary>Parse messages sent to servers (including re-prepares), total_server_parse_count.</summary>
    public ref long ServerParseCount => ref _row[ServerParses];

    /// <summary>Bind messages sent to servers, total_bind_count.</summary>
    public ref long BindCount => ref _row[Binds];

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
    public StatsTotals Snapshot() => TotalsOf(_row) with
    {
        ErrorsByClass = new Dictionary<string, long>(_errorsByClass, StringComparer.Ordinal),
    };

    /// <summary>The counters of <paramref name="row"/>, from any thread or process: each is read whole (aligned
    /// 64-bit loads do not tear on x64 or arm64), and each only grows.</summary>
    public static StatsTotals TotalsOf(SharedCounterRow row) => new()
    {
        ServerAssignmentCount = Volatile.Read(ref row[ServerAssignments]),
        XactCount = Volatile.Read(ref row[Xacts]),
        QueryCount = Volatile.Read(ref row[Queries]),
        Received = Volatile.Read(ref row[ReceivedBytes]),
        Sent = Volatile.Read(ref row[SentBytes]),
        XactTimeUs = Volatile.Read(ref row[XactTime]),
        QueryTimeUs = Volatile.Read(ref row[QueryTime]),
        WaitTimeUs = Volatile.Read(ref row[WaitTime]),
        ClientParseCount = Volatile.Read(ref row[ClientParses]),
        ServerParseCount = Volatile.Read(ref row[ServerParses]),
        BindCount = Volatile.Read(ref row[Binds]),
    };

    private static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;
}
