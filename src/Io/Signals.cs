// Signal registrations that work whatever the parent left ignored: `pooler run &` from a script ignores SIGINT,
// `nohup` ignores SIGHUP, and both are control signals of the pooler (fast stop, reload), as they are of PgBouncer.
using System.Runtime.InteropServices;
using Pooler.Io.Interop;

namespace Pooler.Io;

public static class Signals
{
    /// <summary><see cref="PosixSignalRegistration.Create"/> after putting an inherited SIG_IGN of the signal back
    /// to the default action, without which the runtime would install no handler and the signal would be lost.</summary>
    public static PosixSignalRegistration Register(PosixSignal signal, Action<PosixSignalContext> handler)
    {
        if (RawNumber(signal) is int signo) Libc.UnignoreSignal(signo);
        return PosixSignalRegistration.Create(signal, handler);
    }

    // PosixSignal's named members are negative placeholders; other values are raw Linux signal numbers.
    private static int? RawNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ when (int)signal > 0 => (int)signal,
        _ => null,
    };
}
