// Installed on the loop thread so that `await` in session code resumes on the loop (no thread-pool hops).
// Continuations completed on the loop thread itself run inline because CreateCopy returns this same instance.
namespace Pooler.Io;

internal sealed class LoopSynchronizationContext(IoEngine engine) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => engine.PostCallback(d, state);

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (engine.IsOnLoopThread)
        {
            d(state);
            return;
        }
        using var done = new ManualResetEventSlim();
        Exception? error = null;
        engine.Post(_ =>
        {
            try { d(state); }
            catch (Exception ex) { error = ex; }
            finally { done.Set(); }
        }, null);
        done.Wait();
        if (error is not null) throw new AggregateException(error);
    }

    public override SynchronizationContext CreateCopy() => this;
}
