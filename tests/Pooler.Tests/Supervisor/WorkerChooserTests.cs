// Worker choice: keep a pool on the worker that serves it, spread when that worker gets clearly busier.
using Pooler.Supervisor;

namespace Pooler.Tests.Supervisor;

public sealed class WorkerChooserTests
{
    [Fact]
    public void Choose_NoPoolYet_PicksLeastLoaded()
    {
        var chooser = new WorkerChooser();
        Assert.Equal(1, chooser.Choose("db", "u", [5, 2, 3]));
    }

    [Fact]
    public void Choose_PoolServedByBusierWorkerWithinSlack_KeepsItThere()
    {
        var chooser = new WorkerChooser();
        Assert.Equal(0, chooser.Choose("db", "u", [0, 0]));
        Assert.Equal(0, chooser.Choose("db", "u", [3, 0]));
        Assert.True(chooser.Serves(0, "db", "u"));
        Assert.False(chooser.Serves(1, "db", "u"));
    }

    [Fact]
    public void Choose_ServingWorkerBeyondSlack_SpreadsToLeastLoaded()
    {
        var chooser = new WorkerChooser();
        chooser.Choose("db", "u", [0, 0]);
        Assert.Equal(1, chooser.Choose("db", "u", [WorkerChooser.Slack + 1, 0]));
        Assert.True(chooser.Serves(1, "db", "u"));
    }

    [Fact]
    public void Choose_OtherPool_IgnoresServingMapAndTakesLeastLoaded()
    {
        var chooser = new WorkerChooser();
        chooser.Choose("db", "u", [0, 0]);
        Assert.Equal(1, chooser.Choose("db", "other", [1, 0]));
    }

    [Fact]
    public void Choose_UnavailableWorkers_AreSkipped()
    {
        var chooser = new WorkerChooser();
        chooser.Choose("db", "u", [0, 0, 0]);
        Assert.Equal(2, chooser.Choose("db", "u", [-1, 4, 1]));
        Assert.Equal(-1, chooser.Choose("db", "u", [-1, -1, -1]));
    }

    [Fact]
    public void Forget_DeadWorker_NoLongerPreferred()
    {
        var chooser = new WorkerChooser();
        chooser.Choose("db", "u", [0, 0]);
        chooser.Forget(0);
        Assert.False(chooser.Serves(0, "db", "u"));
        Assert.Equal(1, chooser.Choose("db", "u", [2, 1]));
    }

    [Fact]
    public void Choose_NoStartupPacket_PicksLeastLoaded()
    {
        var chooser = new WorkerChooser();
        Assert.Equal(1, chooser.Choose(null, null, [3, 0]));
    }
}
