// The event backend a configuration asks for (config key ev_backend).
namespace Pooler.Io;

public enum EvBackend
{
    /// <summary>Probe io_uring, then epoll, then portable, once at start.</summary>
    Auto,
    IoUring,
    Epoll,
    /// <summary>.NET sockets through Pipelines.Sockets.Unofficial, for systems without epoll or io_uring.</summary>
    Portable,
}
