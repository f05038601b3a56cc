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
            case EvBackend.IoUring:
                throw new NotSupportedException($"ev_backend {requested} is not available yet.");
            default:
                return With(new PortableEngine(options), "auto: epoll and io_uring backends not built yet");
        }
    }

    private static IoEngine With(IoEngine engine, string reason)
    {
        engine.ChoiceReason = reason;
        return engine;
    }
}
