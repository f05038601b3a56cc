// What the supervisor tells a worker on its command line (`pooler worker ...`, a hidden subcommand).
namespace Pooler.Workers;

/// <param name="ConfigPath">The configuration file (workers read it themselves; reloads re-read it).</param>
/// <param name="ChannelFd">This worker's end of the socketpair, inherited across exec.</param>
/// <param name="Id">Worker id 0..63: in cancel keys and in the shared-memory rows.</param>
/// <param name="SupervisorPid">The parent to watch; if it is gone the worker exits at once.</param>
/// <param name="SharedPath">The shared-memory file the supervisor created.</param>
internal sealed record WorkerArgs(string ConfigPath, int ChannelFd, int Id, int SupervisorPid, string SharedPath)
{
    public IReadOnlyList<string> ToArgs() =>
    [
        "worker", "--config", ConfigPath, "--fd", Inv(ChannelFd), "--id", Inv(Id), "--supervisor", Inv(SupervisorPid),
        "--shm", SharedPath,
    ];

    public static WorkerArgs? Parse(IReadOnlyList<string> args)
    {
        string? config = null, shm = null;
        int fd = -1, id = -1, pid = 0;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--config": config = value; break;
                case "--shm": shm = value; break;
                case "--fd": fd = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--id": id = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--supervisor": pid = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: return null;
            }
        }
        return config is null || shm is null || fd < 0 || id < 0 ? null : new WorkerArgs(config, fd, id, pid, shm);
    }

    private static string Inv(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
