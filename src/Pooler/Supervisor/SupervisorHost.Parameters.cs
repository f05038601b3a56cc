// Server ParameterStatus sets, learned by one worker's first login to a pool, passed to every other worker (and kept
// for the ones started later), so a worker can welcome a pool's client before it has a server of its own.
using Pooler.Workers;

namespace Pooler.Supervisor;

internal sealed partial class SupervisorHost
{
    // "database NUL user" → the latest WorkerMessage.ServerParameters payload for that pool.
    private readonly Dictionary<string, byte[]> _serverParameters = new(StringComparer.Ordinal);

    /// <summary>Loop thread: <paramref name="from"/> learned a pool's set; keep it and tell the other live workers.</summary>
    private void ShareServerParameters(WorkerProcess from, ReadOnlyMemory<byte> payload)
    {
        if (!ServerParametersMessage.TryReadKey(payload.Span, out var key))
            return;
        var copy = payload.ToArray();
        _serverParameters[key] = copy;
        foreach (var worker in _workers)
        {
            if (worker != from && worker.Alive)
                _ = worker.Link!.SendAsync(WorkerMessage.ServerParameters, copy);
        }
    }

    /// <summary>Loop thread, right after starting <paramref name="worker"/>: every set learned so far, before its first client.</summary>
    private void SendServerParameters(WorkerProcess worker)
    {
        foreach (var payload in _serverParameters.Values)
            _ = worker.Link!.SendAsync(WorkerMessage.ServerParameters, payload);
    }
}
