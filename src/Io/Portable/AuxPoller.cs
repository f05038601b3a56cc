// The portable engine's watcher for its few non-socket fds (fd channels, pidfds): a helper thread blocked in
// poll(2) that posts readiness to the loop. Data sockets never come here; they go through .NET sockets.
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class AuxPoller : IDisposable
{
    private readonly IoEngine _engine;
    private readonly object _gate = new();
    private readonly Dictionary<Readiness, uint> _wanted = new();
    private readonly int _wakeFd;
    private Thread? _thread;
    private bool _stopping;
    private uint _nextGeneration;

    public AuxPoller(IoEngine engine)
    {
        _engine = engine;
        var r = Libc.EventFd();
        r.ThrowOnError("eventfd");
        _wakeFd = r.IntValue;
    }

    public void Register(Readiness readiness)
    {
        lock (_gate)
        {
            readiness.Generation = ++_nextGeneration;
            readiness.Slot = 0;
            _wanted[readiness] = 0;
        }
    }

    public void Request(Readiness readiness, uint events)
    {
        lock (_gate)
        {
            if (!_wanted.TryGetValue(readiness, out var current)) return;
            _wanted[readiness] = current | events;
            if (_stopping) return;
            if (_thread is null)
            {
                _thread = new Thread(Run) { Name = $"io-loop-{_engine.LoopId}-aux", IsBackground = true };
                _thread.Start();
            }
            Libc.EventFdWrite(_wakeFd);
        }
    }

    public void Unregister(Readiness readiness)
    {
        lock (_gate)
        {
            _wanted.Remove(readiness);
            readiness.Slot = -1;
            // Under the lock: once Dispose closed the eventfd its number may belong to another socket.
            if (!_stopping) Libc.EventFdWrite(_wakeFd);
        }
    }

    private void Run()
    {
        var fds = new List<Libc.PollFd>();
        var owners = new List<Readiness>();
        while (true)
        {
            fds.Clear();
            owners.Clear();
            fds.Add(new Libc.PollFd { Fd = _wakeFd, Events = Libc.POLLIN });
            lock (_gate)
            {
                if (_stopping) return;
                foreach (var (readiness, events) in _wanted)
                {
                    if (events == 0) continue;
                    fds.Add(new Libc.PollFd { Fd = readiness.Fd, Events = (short)events });
                    owners.Add(readiness);
                }
            }
            var array = fds.ToArray();
            if (!Libc.Poll(array, -1).IsSuccess) continue;
            if (array[0].REvents != 0) Libc.EventFdRead(_wakeFd);
            for (int i = 1; i < array.Length; i++)
            {
                uint revents = (ushort)array[i].REvents;
                if (revents == 0) continue;
                var readiness = owners[i - 1];
                uint generation;
                lock (_gate)
                {
                    if (!_wanted.TryGetValue(readiness, out var wanted)) continue;
                    // One notification per request, like a one-shot poll; errors and hang-ups satisfy both.
                    _wanted[readiness] = wanted & ~revents & ~(Readiness.In | Readiness.Out);
                    generation = readiness.Generation;
                }
                _engine.Post(static s =>
                {
                    var (r, g, ev) = ((Readiness, uint, uint))s!;
                    if (r.Slot >= 0 && r.Generation == g) r.OnEvents(ev);
                }, (readiness, generation, revents));
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Libc.EventFdWrite(_wakeFd);
        }
        if (_thread is { IsAlive: true } t && t != Thread.CurrentThread) t.Join();
        Libc.Close(_wakeFd);
    }
}
