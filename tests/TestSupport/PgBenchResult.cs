// What a pgbench run reported: transactions processed and failed, throughput, and the raw output.
namespace Pooler.TestSupport;

public sealed record PgBenchResult(ProcessResult Process, long Processed, long Expected, long Failed, double Tps)
{
    /// <summary>True when pgbench exited 0 and processed every transaction it was asked for without failures.</summary>
    public bool Complete => Process.Succeeded && Failed == 0 && Processed == Expected;
}
