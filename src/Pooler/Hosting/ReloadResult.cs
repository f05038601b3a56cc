// The outcome of one reload: status, the errors that refused it, the options that wait for a restart.
using Pooler.Config;

namespace Pooler.Hosting;

public sealed record ReloadResult(ReloadStatus Status, IReadOnlyList<ConfigError> Errors, IReadOnlyList<string> NeedRestart)
{
    public static ReloadResult Of(ReloadStatus status) => new(status, [], []);

    public bool IsApplied => Status == ReloadStatus.Applied;
}
