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

    [Fact]
    public void SetDefaults_ClientOwnValueKept_OthersFromServer()
    {
        var p = new ClientParameters([]);
        p.Set("application_name", "app");
        p.SetDefaults([new("application_name", ""), new("TimeZone", "UTC"), new("server_version", "17.0")]);

        Assert.Equal("app", p.Get("application_name"));
        Assert.Equal("UTC", p.Get("timezone"));
        Assert.Null(p.Get("server_version"));
    }

    [Fact]
    public void Set_BackToDefaultAndAway_GetFollows()
    {
        var p = new ClientParameters([]);
        p.SetDefaults([new("DateStyle", "ISO, MDY")]);

        p.Set("DateStyle", "German");
        Assert.Equal("German", p.Get("DateStyle"));
        p.Set("datestyle", "ISO, MDY");
        Assert.Equal("ISO, MDY", p.Get("DateStyle"));
        p.Set("DateStyle", "SQL");
        Assert.Equal("SQL", p.Get("DateStyle"));
    }

    [Fact]
    public void SetDefaults_SameServerList_SharedAcrossClients()
    {
        IReadOnlyList<KeyValuePair<string, string>> server = [new("TimeZone", "UTC"), new("server_version", "17.0")];
        var tracked = TrackedParameters.For(["IntervalStyle"]);

        Assert.Same(tracked.DefaultsFrom(server), tracked.DefaultsFrom(server));
        Assert.Equal(["TimeZone"], tracked.DefaultsFrom(server).Select(kv => kv.Key));
    }

    [Fact]
    public void SameSettingsAs_IdenticalClients_True_UntilOneDiffers()
    {
        var tracked = TrackedParameters.For([]);
        IReadOnlyList<KeyValuePair<string, string>> server = [new("application_name", ""), new("TimeZone", "UTC")];
        var a = new ClientParameters(tracked);
        var b = new ClientParameters(tracked);
        foreach (var p in new[] { a, b })
        {
            p.Set("application_name", "app");
            p.SetDefaults(server);
        }
        Assert.True(a.SameSettingsAs(b));

        b.Apply(new Pooler.Prepared.SqlCommand(Pooler.Prepared.SqlCommandKind.Set, "statement_timeout", "'4s'"));
        Assert.False(a.SameSettingsAs(b));
        a.Apply(new Pooler.Prepared.SqlCommand(Pooler.Prepared.SqlCommandKind.Set, "statement_timeout", "'4s'"));
        Assert.True(a.SameSettingsAs(b));

        a.Set("TimeZone", "Asia/Tokyo");
        Assert.False(a.SameSettingsAs(b));
        Assert.False(b.SameSettingsAs(a));
    }

    [Fact]
    public void Version_EveryChange_Bumped()
    {
        var p = new ClientParameters([]);
        var seen = new List<int> { p.Version };
        p.Set("application_name", "x");
        seen.Add(p.Version);
        p.SetDefaults([new("application_name", "")]);
        seen.Add(p.Version);
        p.Apply(new Pooler.Prepared.SqlCommand(Pooler.Prepared.SqlCommandKind.Set, "work_mem", "'8MB'"));
        seen.Add(p.Version);
        p.ClearSessionSettings();
        seen.Add(p.Version);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }
}
