// Linux errno values the engines branch on (identical on x64 and arm64).
namespace Pooler.Io.Interop;

internal static class Errnos
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
        EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EINVAL = 22, EMFILE = 24, EPIPE = 32, ENOSYS = 38,
        ETIME = 62, EOPNOTSUPP = 95, EADDRINUSE = 98, ENETUNREACH = 101, ECONNABORTED = 103, ECONNRESET = 104,
        ENOBUFS = 105, ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTUNREACH = 113, EALREADY = 114,
        EINPROGRESS = 115, ECANCELED = 125;

    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EBADF => "EBADF",
        EAGAIN => "EAGAIN", ENOMEM => "ENOMEM", EACCES => "EACCES", EINVAL => "EINVAL", EMFILE => "EMFILE",
        EPIPE => "EPIPE", ENOSYS => "ENOSYS", EADDRINUSE => "EADDRINUSE", ENETUNREACH => "ENETUNREACH",
        ECONNRESET => "ECONNRESET", ETIMEDOUT => "ETIMEDOUT", ECONNREFUSED => "ECONNREFUSED",
        EHOSTUNREACH => "EHOSTUNREACH", EINPROGRESS => "EINPROGRESS", ECANCELED => "ECANCELED",
        EBUSY => "EBUSY", ENOTCONN => "ENOTCONN", _ => errno.ToString(),
    };
}
