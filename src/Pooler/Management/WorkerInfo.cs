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

    /// <summary>Clients this process accepted from its own listening sockets (workers_accept) since it started.</summary>
    public int Accepted { get; init; }

    /// <summary>Clients the supervisor accepted and passed to this process since it started.</summary>
    public int Handed { get; init; }
}
