// The steering commands the console, the management socket and the CLI share.
namespace Pooler.Management;

internal enum AdminCommandKind
{
    Pause,
    Resume,
    Reconnect,
    Kill,
    KillClient,
    Enable,
    Disable,
    Suspend,
    WaitClose,
    Reload,
    Shutdown,
    Set,
}
