// Doubling login back-off with a not-before time, shared by pools (login rejected) and hosts (unreachable).
namespace Pooler.Pools;

internal sealed class Backoff
{
    public int Failures { get; private set; }

    public DateTimeOffset NotBefore { get; private set; } = DateTimeOffset.MinValue;

    public bool IsActive(DateTimeOffset now) => now < NotBefore;

    /// <summary>Wait <paramref name="first"/> after the first failure, twice as long after each further one, at most <paramref name="cap"/>.</summary>
    public void RecordFailure(DateTimeOffset now, TimeSpan first, TimeSpan cap)
    {
        var delay = first;
        for (var i = 0; i < Failures && delay < cap; i++)
            delay += delay;
        if (delay > cap)
            delay = cap;
        Failures++;
        NotBefore = now + delay;
    }

    public void RecordSuccess()
    {
        Failures = 0;
        NotBefore = DateTimeOffset.MinValue;
    }
}
