// The supervisor's copy of the admin state a restarted worker gets: pauses, disabled databases and SET values.
using Pooler.Management;
using Pooler.Supervisor;

namespace Pooler.Tests.Supervisor;

public sealed class ManagedStateTests
{
    private static string Replay(ManagedState state) => state.ToString();

    [Fact]
    public void Record_PauseThenResumeOneDatabase_OnlyOthersStayPaused()
    {
        var state = new ManagedState();
        state.Record(new AdminCommand(AdminCommandKind.Pause, "a"));
        state.Record(new AdminCommand(AdminCommandKind.Kill, "b"));
        state.Record(new AdminCommand(AdminCommandKind.Resume, "a"));

        Assert.Equal("PAUSE b", Replay(state));
    }

    [Fact]
    public void Record_ResumeWithoutDatabase_LiftsEveryPause()
    {
        var state = new ManagedState();
        state.Record(new AdminCommand(AdminCommandKind.Pause));
        state.Record(new AdminCommand(AdminCommandKind.Pause, "a"));
        state.Record(new AdminCommand(AdminCommandKind.Resume));

        Assert.True(state.IsEmpty);
    }

    [Fact]
    public void Record_DisableEnable_KeepsOnlyStillDisabled()
    {
        var state = new ManagedState();
        state.Record(new AdminCommand(AdminCommandKind.Disable, "a"));
        state.Record(new AdminCommand(AdminCommandKind.Disable, "b"));
        state.Record(new AdminCommand(AdminCommandKind.Enable, "a"));

        Assert.Equal("DISABLE b", Replay(state));
    }

    [Fact]
    public void Record_SetTwice_LastValueReplayedBeforePauses()
    {
        var state = new ManagedState();
        state.Record(new AdminCommand(AdminCommandKind.Pause));
        state.Record(new AdminCommand(AdminCommandKind.Set, Key: "Default_Pool_Size", Value: "5"));
        state.Record(new AdminCommand(AdminCommandKind.Set, Key: "default_pool_size", Value: "3"));

        var replay = state.Replay();

        Assert.Equal([AdminCommandKind.Set, AdminCommandKind.Pause], replay.Select(c => c.Kind));
        Assert.Equal(("default_pool_size", "3"), (replay[0].Key, replay[0].Value));
    }

    [Fact]
    public void OnReload_SetValuesDroppedPausesKept()
    {
        var state = new ManagedState();
        state.Record(new AdminCommand(AdminCommandKind.Set, Key: "query_wait_timeout", Value: "5"));
        state.Record(new AdminCommand(AdminCommandKind.Pause, "a"));

        state.OnReload();

        Assert.Equal("PAUSE a", Replay(state));
    }

    [Fact]
    public void Record_CommandsWithoutLastingState_Ignored()
    {
        var state = new ManagedState();
        state.Record(new AdminCommand(AdminCommandKind.Reconnect));
        state.Record(new AdminCommand(AdminCommandKind.KillClient, ClientId: 7));
        state.Record(new AdminCommand(AdminCommandKind.WaitClose, "a"));

        Assert.True(state.IsEmpty);
    }
}
