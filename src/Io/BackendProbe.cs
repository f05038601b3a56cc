// Resolves ev_backend once at start: auto tries io_uring, then epoll, then portable, and records why.
namespace Pooler.Io;

internal static class BackendProbe
{
    public static IoEngine Create(EvBackend requested, IoEngineOptions? options)
    {
        switch (requested)
        {
            case EvBackend.Portable:
                return With(new PortableEngine(options), "requested");
            case EvBackend.Epoll:
                if (!EpollEngine.Probe(out var epollWhy)) throw new NotSupportedException($"ev_backend epoll: {epollWhy}");
                return With(new EpollEngine(options), "requested");
            case EvBackend.IoUring:
                if (!IoUringEngine.Probe(out var uringWhy)) throw new NotSupportedException($"ev_backend io_uring: {uringWhy}");
                return With(new IoUringEngine(options), "requested");
            default:
                if (IoUringEngine.Probe(out var uring)) return With(new IoUringEngine(options), $"auto: {uring}");
                if (EpollEngine.Probe(out var why)) return With(new EpollEngine(options), $"auto: {uring}; {why}");
                return With(new PortableEngine(options), $"auto: {uring}; {why}");
        }
    }

    private static IoEngine With(IoEngine engine, string reason)
    {
        engine.ChoiceReason = reason;
        return engine;
    }
}
