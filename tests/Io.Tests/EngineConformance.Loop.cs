// Conformance: timers, cross-thread posts, await continuations, signals.
using System.Runtime.InteropServices;
using Pooler.Io.Interop;

namespace Pooler.Io.Tests;

public abstract partial class EngineConformance
{
    [ConformanceFact]
    public async Task TimeProvider_ThreeTimers_FireInDueOrderOnLoop()
    {
        var fired = new List<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool allOnLoop = true;
        // Armed on the loop thread in one go: from a test thread, a descheduling of more than 100 ms between two
        // CreateTimer calls (seen under a load average of 25) would legitimately reorder the deadlines.
        var timers = await Engine.Invoke(() =>
        {
            var list = new List<ITimer>();
            foreach (var ms in new[] { 150, 50, 100 })
            {
                list.Add(Engine.TimeProvider.CreateTimer(_ =>
                {
                    allOnLoop &= Engine.IsOnLoopThread;
                    fired.Add(ms);
                    if (fired.Count == 3) done.SetResult();
                }, null, TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan));
            }
            return list;
        });
        await WithTimeout(done.Task);
        Assert.Equal(new[] { 50, 100, 150 }, fired);
        Assert.True(allOnLoop);
        timers.ForEach(t => t.Dispose());
    }

    [ConformanceFact]
    public async Task TimeProvider_DisposedAndChangedTimers_DoNotFire()
    {
        int cancelledFired = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Created and cancelled on the loop thread, so a descheduled test thread cannot let them fire in between.
        var stopped = await Engine.Invoke(() =>
        {
            var disposed = Engine.TimeProvider.CreateTimer(_ => cancelledFired++, null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
            var stopped = Engine.TimeProvider.CreateTimer(_ => cancelledFired++, null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
            disposed.Dispose();
            stopped.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return stopped;
        });
        using var sentinel = Engine.TimeProvider.CreateTimer(_ => done.SetResult(), null, TimeSpan.FromMilliseconds(120), Timeout.InfiniteTimeSpan);
        await WithTimeout(done.Task);
        Assert.Equal(0, await Engine.Invoke(() => cancelledFired));
        stopped.Dispose();
    }

    [ConformanceFact]
    public async Task TimeProvider_ManyTimersDisposedBeforeDue_QueueStaysSmallAndLiveTimersFire()
    {
        // The shape of a login burst: every client arms a long login timer and disposes it a moment later.
        var fired = new List<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (live, queued) = await Engine.Invoke(() =>
        {
            var list = new List<ITimer>();
            foreach (var ms in new[] { 150, 100 })
            {
                list.Add(Engine.TimeProvider.CreateTimer(_ =>
                {
                    fired.Add(ms);
                    if (fired.Count == 2) done.SetResult();
                }, null, TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan));
            }
            for (var i = 0; i < 5000; i++)
                Engine.TimeProvider.CreateTimer(_ => fired.Add(-1), null, TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan).Dispose();
            return (list, Engine.Timers.Count);
        });
        Assert.InRange(queued, 2, 200);
        await WithTimeout(done.Task);
        Assert.Equal(new[] { 100, 150 }, await Engine.Invoke(() => fired.ToArray()));
        live.ForEach(t => t.Dispose());
    }

    [ConformanceFact]
    public async Task TaskDelay_WithEngineTimeProvider_ResumesOnLoopThread()
    {
        var onLoop = await WithTimeout(Engine.RunAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), Engine.TimeProvider);
            bool first = Engine.IsOnLoopThread;
            await Task.Yield();
            return first && Engine.IsOnLoopThread;
        }));
        Assert.True(onLoop);
    }

    [ConformanceFact]
    public async Task Post_FromThreadPool_RunsOnLoopThread()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() =>
        {
            var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Engine.Post(s => ((TaskCompletionSource<bool>)s!).SetResult(Engine.IsOnLoopThread), tcs);
            return tcs.Task;
        })));
        Assert.All(results, Assert.True);
    }

    [ConformanceFact]
    public async Task OnSignal_Sigusr1RaisedToSelf_HandlerRunsOnLoop()
    {
        const int SIGUSR1 = 10;
        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = Engine.OnSignal(SIGUSR1, () => tcs.TrySetResult(Engine.IsOnLoopThread));
        Assert.True(Libc.Kill(Libc.GetPid(), SIGUSR1).IsSuccess);
        Assert.True(await WithTimeout(tcs.Task, TimeSpan.FromSeconds(5)));
    }
}
