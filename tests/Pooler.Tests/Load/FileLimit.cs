// Makes sure this test process may open enough file descriptors for a load test (RLIMIT_NOFILE), raising the
// limit with util-linux's prlimit when it is too low: as root the hard limit too, so a clean machine works.
using System.Globalization;
using Pooler.TestSupport;

namespace Pooler.Tests.Load;

internal static class FileLimit
{
    /// <summary>Raises the soft (and if needed, as root, the hard) RLIMIT_NOFILE of this process to at least
    /// <paramref name="needed"/>; fails the test with the reason when that is not possible.</summary>
    public static async Task EnsureAsync(int needed)
    {
        var (soft, hard) = Read();
        if (soft >= needed)
            return;
        // Never lower a hard limit that is already high enough; raising it needs root (CAP_SYS_RESOURCE).
        var newHard = Math.Max(hard, needed);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        string outcome;
        try
        {
            var result = await ProcessRunner.RunAsync("prlimit", ["--pid", pid, $"--nofile={needed}:{newHard}"]);
            outcome = $"exit {result.ExitCode}: {result.StdErr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            outcome = "prlimit not found (util-linux): " + e.Message;
        }
        var (after, afterHard) = Read();
        Assert.True(after >= needed,
            $"RLIMIT_NOFILE is {soft}/{hard} (soft/hard) and this test needs {needed} open files; prlimit could not raise it " +
            $"({outcome}); now {after}/{afterHard}. Run as root or `ulimit -n {needed}` first.");
    }

    // "Max open files            20000                20000                files" from /proc/self/limits.
    private static (long Soft, long Hard) Read()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                continue;
            var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (Parse(parts[0]), Parse(parts[1]));
        }
        return (0, 0);
    }

    private static long Parse(string value) =>
        value == "unlimited" ? long.MaxValue : long.Parse(value, CultureInfo.InvariantCulture);
}
