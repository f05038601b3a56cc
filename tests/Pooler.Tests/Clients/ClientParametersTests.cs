// ClientParameters: which parameters are tracked and how a value is quoted for the sync SET.
using Pooler.Clients;

namespace Pooler.Tests.Clients;

public sealed class ClientParametersTests
{
    [Fact]
    public void Set_UntrackedName_Ignored()
    {
        var p = new ClientParameters([]);
        p.Set("work_mem", "64MB");
        p.Set("timezone", "UTC");

        Assert.Null(p.Get("work_mem"));
        Assert.Equal("UTC", p.Get("TimeZone"));
    }

    [Fact]
    public void Set_ExtraTracked_Tracked()
    {
        var p = new ClientParameters(["statement_timeout"]);
        p.Set("statement_timeout", "5s");

        Assert.Equal("5s", p.Get("statement_timeout"));
    }
}
