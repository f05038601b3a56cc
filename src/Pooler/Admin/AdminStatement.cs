// One parsed admin console statement: a SHOW, a steering command, or why it could not be read.
using Pooler.Management;

namespace Pooler.Admin;

internal sealed record AdminStatement(string? ShowSubject, AdminCommand? Command, string? Error, string Tag)
{
    public static AdminStatement Show(string subject) => new(subject, null, null, "SHOW");

    public static AdminStatement Run(AdminCommand command, string tag) => new(null, command, null, tag);

    public static AdminStatement Invalid(string error) => new(null, null, error, "");
}
