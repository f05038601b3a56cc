// The answer to a steering command: an outcome, a stable error code grouped by command, and a message for people.
namespace Pooler.Management;

/// <summary><paramref name="Code"/> is "" on success, else e.g. "pause.not_found", "set.restart_required".</summary>
internal sealed record AdminResult(AdminOutcome Outcome, string Code, string Message)
{
    public bool IsOk => Outcome == AdminOutcome.Ok;

    public static AdminResult Ok(string message) => new(AdminOutcome.Ok, "", message);

    public static AdminResult Error(AdminOutcome outcome, string code, string message) => new(outcome, code, message);
}
