// A connector whose logins the test completes by hand, so every pool transition is driven deterministically.
using System.Collections.Concurrent;
using Pooler.Pools;

namespace Pooler.Tests.Pools;

internal sealed class FakeServerConnector : IServerConnector
{
    private readonly ConcurrentQueue<(Pool Pool, TaskCompletionSource<ServerConnectResult> Tcs)> _pending = new();
    private readonly SemaphoreSlim _calls = new(0);
    private long _nextId;

    public int Calls;

    public int Pending => _pending.Count;

    public ValueTask<ServerConnectResult> ConnectAsync(Pool pool, CancellationToken ct)
    {
        // Synchronous continuations: completing a login runs the pool's bookkeeping inline on the test thread.
        var tcs = new TaskCompletionSource<ServerConnectResult>();
        _pending.Enqueue((pool, tcs));
        Interlocked.Increment(ref Calls);
        _calls.Release();
        return new ValueTask<ServerConnectResult>(tcs.Task);
    }

    /// <summary>Wait until <paramref name="n"/> more logins were requested (some start on a continuation).</summary>
    public async Task WaitForCallsAsync(int n)
    {
        for (var i = 0; i < n; i++)
            Assert.True(await _calls.WaitAsync(TimeSpan.FromSeconds(10)), "expected another login to start");
    }

    public FakePooledServer SucceedNext()
    {
        Assert.True(_pending.TryDequeue(out var p), "no login pending");
        var server = new FakePooledServer(Interlocked.Increment(ref _nextId));
        p.Tcs.SetResult(ServerConnectResult.Connected(server));
        return server;
    }

    public void FailNext(ServerConnectStatus status, PoolError error)
    {
        Assert.True(_pending.TryDequeue(out var p), "no login pending");
        p.Tcs.SetResult(ServerConnectResult.Failed(status, error));
    }
}
