// A server stand-in for pool unit tests: records whether and why the pool closed it, and answers checks on cue.
using Pooler.Pools;

namespace Pooler.Tests.Pools;

internal sealed class FakePooledServer(long id) : IPooledServer
{
    private TaskCompletionSource<bool>? _check;

    public long Id { get; } = id;

    public bool IsUsable { get; set; } = true;

    public DateTimeOffset ConnectedAt { get; set; }

    public DateTimeOffset IdleSince { get; set; }

    public string? ClosedReason { get; private set; }

    public bool ClosedNotable { get; private set; }

    /// <summary>Queries the pool ran through <see cref="CheckAsync"/>.</summary>
    public List<string> Checks { get; } = [];

    /// <summary>True while a check waits for the test to answer it with <see cref="AnswerCheck"/>.</summary>
    public bool CheckPending => _check is { Task.IsCompleted: false };

    public ValueTask<bool> CheckAsync(string query)
    {
        Checks.Add(query);
        _check = new TaskCompletionSource<bool>();
        return new ValueTask<bool>(_check.Task);
    }

    public void AnswerCheck(bool healthy) => _check!.SetResult(healthy);

    public void Close(string reason, bool notable = false)
    {
        if (ClosedReason is null)
            ClosedNotable = notable;
        ClosedReason ??= reason;
        IsUsable = false;
    }
}
