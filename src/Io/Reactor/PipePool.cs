// Per-loop pool of Pipe objects: a connection rents one only while bytes are buffered in a direction, so an idle
// connection holds none (a Pipe costs ~400 bytes even when empty). Loop thread only, hence no locking.
using System.IO.Pipelines;

namespace Pooler.Io;

internal sealed class PipePool(PipeOptions options, int capacity = 256)
{
    private readonly Stack<Pipe> _free = new();

    public Pipe Rent() => _free.TryPop(out var pipe) ? pipe : new Pipe(options);

    /// <summary>Takes back a pipe that nobody touches any more: both ends are completed here and it is reset.</summary>
    public void Return(Pipe pipe)
    {
        pipe.Writer.Complete();
        pipe.Reader.Complete();
        pipe.Reset();
        if (_free.Count < capacity) _free.Push(pipe);
    }
}
