// A server stand-in for pool unit tests: records whether and why the pool closed it.
using Pooler.Pools;

namespace Pooler.Tests.Pools;

internal sealed class FakePooledServer(long id) : IPooledServer
{
    public long Id { get; } = id;

    public bool IsUsable { get; set; } = true;

    public string? ClosedReason { get; private set; }

    public void Close(string reason)
    {
        ClosedReason ??= reason;
        IsUsable = false;
    }
}
