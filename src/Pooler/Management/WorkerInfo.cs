// One worker (or the single process with workers = 0) in a snapshot: liveness and restarts for metrics and `workers`.
namespace Pooler.Management;

internal sealed record WorkerInfo
{
    public int Id { get; init; }
    public int Pid { get; init; }
    public bool Alive { get; init; } = true;
    public int Restarts { get; init; }
    public int Clients { get; init; }
    public int Servers { get; init; }
}
