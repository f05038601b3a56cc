// One steering command as a value, so it can be logged, sent to workers and applied per runtime.
namespace Pooler.Management;

/// <summary>
/// <paramref name="Database"/>: PAUSE/RESUME/RECONNECT/KILL/ENABLE/DISABLE/WAIT_CLOSE target (null = all);
/// <paramref name="ClientId"/>: KILL_CLIENT; <paramref name="Key"/>/<paramref name="Value"/>: SET;
/// <paramref name="Graceful"/>/<paramref name="Timeout"/>: SHUTDOWN.
/// </summary>
internal sealed record AdminCommand(
    AdminCommandKind Kind,
    string? Database = null,
    long ClientId = 0,
    string? Key = null,
    string? Value = null,
    bool Graceful = true,
    TimeSpan? Timeout = null);
