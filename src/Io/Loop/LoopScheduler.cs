// The PipeScheduler of a loop: every continuation is queued to the loop thread (never run inline), so pipe
// callbacks cannot re-enter the code that completed them.
using System.IO.Pipelines;

namespace Pooler.Io;

internal sealed class LoopScheduler(IoEngine engine) : PipeScheduler
{
    public override void Schedule(Action<object?> action, object? state) => engine.Post(action, state);
}
