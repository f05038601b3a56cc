// Outcome of asking a host's login gate for permission to start a login.
namespace Pooler.Pools;

internal enum LoginGateStatus
{
    Entered,

    /// <summary>The host is on back-off after a failed login; the caller fails with the host's last error.</summary>
    BackingOff,

    Shutdown,
}
