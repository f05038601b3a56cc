// The counters of one bench thread: touched only on its loop thread, merged into the report when the run ends.
namespace Pooler.Bench;

/// <summary>Transactions, failures by SQLSTATE, latencies and connection times of the clients of one thread.</summary>
public sealed class BenchStats
{
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Successful transactions.</summary>
    public long Transactions { get; private set; }

    /// <summary>Failed transactions by the SQLSTATE of their first error.</summary>
    public Dictionary<string, long> FailuresBySqlState { get; } = new(StringComparer.Ordinal);

    public long Failures { get; private set; }

    /// <summary>Connections opened (initial ones and, with -C, one per transaction).</summary>
    public long Connections { get; private set; }

    public long ConnectNanoseconds { get; private set; }

    /// <summary>Clients that stopped before the end (lost connection, script error); pgbench's "aborted".</summary>
    public int AbortedClients { get; private set; }

    /// <summary>Why the first aborted client stopped.</summary>
    public string? FirstAbortReason { get; private set; }

    // Counters since the last progress line.
    private long _intervalCount, _intervalFailures;
    private double _intervalSum, _intervalSumSquares;

    public void RecordSuccess(long latencyNs)
    {
        Transactions++;
        Latency.Record(latencyNs);
        _intervalCount++;
        _intervalSum += latencyNs;
        _intervalSumSquares += (double)latencyNs * latencyNs;
    }

    public void RecordFailure(string sqlState)
    {
        Failures++;
        _intervalFailures++;
        FailuresBySqlState[sqlState] = FailuresBySqlState.GetValueOrDefault(sqlState) + 1;
    }

    public void RecordConnection(long nanoseconds)
    {
        Connections++;
        ConnectNanoseconds += nanoseconds;
    }

    public void RecordAbort(string reason)
    {
        AbortedClients++;
        FirstAbortReason ??= reason;
    }

    /// <summary>The interval's counters, then resets them (called on the loop thread by the progress reporter).</summary>
    public IntervalStats TakeInterval()
    {
        var s = new IntervalStats(_intervalCount, _intervalFailures, _intervalSum, _intervalSumSquares);
        _intervalCount = _intervalFailures = 0;
        _intervalSum = _intervalSumSquares = 0;
        return s;
    }

    public void Add(BenchStats other)
    {
        Latency.Add(other.Latency);
        Transactions += other.Transactions;
        Failures += other.Failures;
        foreach (var (state, n) in other.FailuresBySqlState)
            FailuresBySqlState[state] = FailuresBySqlState.GetValueOrDefault(state) + n;
        Connections += other.Connections;
        ConnectNanoseconds += other.ConnectNanoseconds;
        AbortedClients += other.AbortedClients;
        FirstAbortReason ??= other.FirstAbortReason;
    }
}
