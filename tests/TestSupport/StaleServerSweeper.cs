// Removes test-server directories left behind by earlier runs whose test host and watchdog are both gone.
namespace Pooler.TestSupport;

internal static class StaleServerSweeper
{
    public const string Root = "/tmp";
    public const string Prefix = "pooler-pg-";
    public const string OwnerFile = "owner.pid";

    /// <summary>A directory is stale when the process named in its owner file no longer exists (or, lacking an
    /// owner file, when it is older than ten minutes: a fresh one may be being created right now). A postmaster
    /// still running there is stopped immediately before the directory goes.</summary>
    public static async Task SweepAsync(CancellationToken ct)
    {
        foreach (var dir in Directory.EnumerateDirectories(Root, Prefix + "*"))
        {
            try
            {
                if (!IsStale(dir))
                    continue;
                if (ReadPid(Path.Combine(dir, "data", "postmaster.pid")) is { } postmaster && IsAlive(postmaster))
                    await StopAsync(postmaster, ct);
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Another sweeper or the watchdog is removing it at the same time.
            }
            catch (UnauthorizedAccessException)
            {
                // Someone else's directory: not ours to judge.
            }
        }
    }

    private static bool IsStale(string dir)
    {
        var owner = ReadPid(Path.Combine(dir, OwnerFile));
        if (owner is not null)
            return !IsAlive(owner.Value);
        return Directory.GetCreationTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-10);
    }

    private static async Task StopAsync(int pid, CancellationToken ct)
    {
        await ProcessRunner.RunAsync("kill", ["-QUIT", pid.ToString()], ct: ct);
        // Not our child, so no exit event to await: a short poll is the only way, and this is rare cleanup.
        for (var i = 0; i < 50 && IsAlive(pid); i++)
            await Task.Delay(100, ct);
        if (IsAlive(pid))
            await ProcessRunner.RunAsync("kill", ["-KILL", pid.ToString()], ct: ct);
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    internal static int? ReadPid(string file)
    {
        try
        {
            var first = File.ReadLines(file).FirstOrDefault();
            return int.TryParse(first, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
