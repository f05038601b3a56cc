// Signal dispositions. A signal ignored by the parent (a shell's background job ignores SIGINT and SIGQUIT, nohup
// ignores SIGHUP) stays ignored across exec, and the runtime then installs no handler for a PosixSignalRegistration.
using System.Runtime.InteropServices;

namespace Pooler.Io.Interop;

internal static unsafe partial class Libc
{
    // glibc's struct sigaction is 152 bytes on x64 and arm64 (handler first); the buffer leaves room to spare.
    private const int SigactionBytes = 256;
    private const nint SIG_IGN = 1;

    [LibraryImport(LibC, EntryPoint = "sigaction", SetLastError = true)] private static partial int sigaction_(int sig, byte* act, byte* oldact);

    /// <summary>Puts <paramref name="signo"/> back to its default action if it is ignored; the value is 1 when it
    /// was ignored, 0 when it was not (a handler already installed is left alone).</summary>
    public static PosixResult UnignoreSignal(int signo)
    {
        byte* current = stackalloc byte[SigactionBytes];
        if (sigaction_(signo, null, current) != 0) return Result(-1);
        if (*(nint*)current != SIG_IGN) return new PosixResult(0);
        byte* dfl = stackalloc byte[SigactionBytes];
        new Span<byte>(dfl, SigactionBytes).Clear(); // SIG_DFL, empty mask, no flags
        return sigaction_(signo, dfl, null) != 0 ? Result(-1) : new PosixResult(1);
    }
}
