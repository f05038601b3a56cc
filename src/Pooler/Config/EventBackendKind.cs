// Which event backend the I/O layer uses (ev_backend); resolved once at start.
namespace Pooler.Config;

/// <summary>Event backend choice. TOML: "auto" | "io_uring" | "epoll" | "portable".</summary>
public enum EventBackendKind
{
    /// <summary>Try io_uring, then epoll, then portable, once at start.</summary>
    Auto,

    /// <summary>Linux io_uring on raw system calls.</summary>
    IoUring,

    /// <summary>Linux epoll on raw system calls.</summary>
    Epoll,

    /// <summary>.NET sockets through Pipelines.Sockets.Unofficial; works everywhere.</summary>
    Portable,
}
