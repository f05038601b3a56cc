// Counts this process's system calls (all threads) over part of a measured run with `perf stat`, so the table can
// say how many system calls a round trip costs. Without perf (or without permission) the figure is left out.
using System.Diagnostics;

namespace Pooler.Io.Bench;

internal sealed class SyscallCounter
{
    private readonly Process? _perf;
    private readonly int _seconds;

    private SyscallCounter(Process? perf, int seconds)
    {
        _perf = perf;
        _seconds = seconds;
    }

    /// <summary>Starts counting for <paramref name="seconds"/> (perf attaches to every thread of this process).</summary>
    public static SyscallCounter Start(int seconds)
    {
        try
        {
            var psi = new ProcessStartInfo("perf", ["stat", "-x,", "-e", "raw_syscalls:sys_enter", "-p", Environment.ProcessId.ToString(), "--", "sleep", seconds.ToString()])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            return new SyscallCounter(Process.Start(psi), seconds);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new SyscallCounter(null, seconds);
        }
    }

    /// <summary>perf has stopped counting (its window is over).</summary>
    public bool Finished => _perf is null || _perf.HasExited;

    /// <summary>System calls per second over the counted window, or NaN when perf was not available.</summary>
    public async Task<double> PerSecondAsync()
    {
        if (_perf is null) return double.NaN;
        string err = await _perf.StandardError.ReadToEndAsync();
        await _perf.WaitForExitAsync();
        // CSV lines "value,unit,event,...". perf counts from attaching until its `sleep` ends, so the window is the
        // sleep's length (perf's duration_time would be summed over threads).
        double count = double.NaN;
        foreach (var line in err.Split('\n'))
        {
            var fields = line.Split(',');
            if (fields.Length < 3 || !double.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out double value)) continue;
            if (fields[2].StartsWith("raw_syscalls:sys_enter")) count = value;
        }
        return count / _seconds;
    }
}
