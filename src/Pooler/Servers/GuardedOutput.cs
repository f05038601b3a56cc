// A PipeWriter wrapper that lets several loop-thread writers take turns without writing during a pending flush.
using System.Buffers;
using System.IO.Pipelines;

namespace Pooler.Servers;

/// <summary>
/// PipeWriter forbids writing while a flush is pending. Everything runs on one loop thread, so taking turns only
/// needs "wait until no flush is pending, then write and flush without awaiting in between".
/// </summary>
/// <remarks>
/// Not sealed: ClientSession derives from it (its Output is itself), because a separate object per client costs
/// 32 bytes for every idle connection.
/// </remarks>
internal class GuardedOutput(PipeWriter writer)
{
    private Task<FlushResult>? _pending;

    public PipeWriter Writer { get; private set; } = writer;

    /// <summary>Write to <paramref name="writer"/> from now on, as a new GuardedOutput over it would (no flush of the
    /// old writer is waited for).</summary>
    protected void Rebind(PipeWriter writer)
    {
        Writer = writer;
        _pending = null;
    }

    public bool IsReady => _pending is null || _pending.IsCompleted;

    /// <summary>Wait until no flush is pending; loop until so because another writer may have started one meanwhile.</summary>
    public async ValueTask WaitReadyAsync()
    {
        while (_pending is { IsCompleted: false } pending)
        {
            try
            {
                await pending;
            }
            catch
            {
                // The flushing writer reports the failure; here it only means the turn is free.
            }
        }
    }

    /// <summary>Flush; false when the peer is gone (reader completed or the connection failed).</summary>
    public ValueTask<bool> FlushAsync()
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = Writer.FlushAsync();
        }
        catch
        {
            return ValueTask.FromResult(false);
        }
        if (flush.IsCompletedSuccessfully)
        {
            var r = flush.Result;
            return ValueTask.FromResult(!r.IsCompleted && !r.IsCanceled);
        }
        return SlowAsync(flush);
    }

    private async ValueTask<bool> SlowAsync(ValueTask<FlushResult> flush)
    {
        var task = flush.AsTask();
        _pending = task;
        try
        {
            var r = await task;
            return !r.IsCompleted && !r.IsCanceled;
        }
        catch
        {
            return false;
        }
    }

    /// <summary>Write a whole message built by <paramref name="write"/> and flush it, taking turns with other writers.</summary>
    public async ValueTask<bool> SendAsync<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
    {
        await WaitReadyAsync();
        write(Writer, state);
        return await FlushAsync();
    }
}
