// Ending the process at once with _exit(2): no ProcessExit handlers, no finalizers (parent-death path of a worker).
using System.Runtime.InteropServices;

namespace Pooler.Io;

public static partial class ProcessExit
{
    /// <summary>Exit now with <paramref name="code"/>; the kernel closes every fd (sockets see EOF / reset).</summary>
    public static void Now(int code) => _exit(code);

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void _exit(int code);
}
