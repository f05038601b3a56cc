// How one attempt to start the postmaster ended; a taken port is retried on another one.
namespace Pooler.TestSupport;

internal enum PostmasterStartOutcome
{
    Ready,
    PortInUse,
    Exited,
    TimedOut,
}
