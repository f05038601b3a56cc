// The pooler-issued cancel key: layout (worker id in the low byte) and registry lookup.
using Pooler.Clients;

namespace Pooler.Tests.Clients;

public sealed class CancelKeyTests
{
    [Fact]
    public void Create_WorkerId_InLowBitsAndProcessIdPositive()
    {
        for (var i = 0; i < 1000; i++)
        {
            var key = CancelKey.Create(workerId: 37);
            Assert.Equal(37, key.WorkerId);
            Assert.True(key.ProcessId > 0, $"pid {key.ProcessId}");
            Assert.Equal(4, key.Secret.Length);
        }
    }

    [Fact]
    public void Find_UnknownProcessId_ReturnsNull()
    {
        var registry = new CancelRegistry(0);

        Assert.Null(registry.Find(123, [1, 2, 3, 4]));
        Assert.Null(registry.Find(0, []));
    }
}
