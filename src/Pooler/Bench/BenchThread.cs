// One bench thread (-j): an IoEngine loop, the clients it drives, their statistics and the -R schedule.
using Pooler.Io;

namespace Pooler.Bench;

/// <summary>Everything a thread's clients share; used only on <see cref="Engine"/>'s loop thread once started.</summary>
public sealed class BenchThread(IoEngine engine, int id, double? ratePerThread, int seed)
{
    public IoEngine Engine { get; } = engine;

    public int Id { get; } = id;

    public BenchStats Stats { get; } = new();

    public List<BenchClient> Clients { get; } = [];

    public Random Random { get; } = new(seed);

    private long _trigger;

    /// <summary>Starts the -R schedule at <paramref name="startNs"/>.</summary>
    public void StartSchedule(long startNs) => _trigger = startNs;

    /// <summary>
    /// The next scheduled transaction start with -R: like pgbench, the thread's start times form a Poisson process
    /// at rate R / threads and each client takes the next one when it is free, so a late client's latency includes
    /// the lag behind its schedule. Null without -R.
    /// </summary>
    public long? NextScheduled()
    {
        if (ratePerThread is not { } rate)
            return null;
        var u = 1.0 - Random.NextDouble();                  // (0, 1], so the log is finite
        _trigger += (long)(-Math.Log(u) / rate * 1e9);
        return _trigger;
    }
}
