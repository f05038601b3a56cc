// A detached helper process that stops the test server and deletes its directory once the test host is gone,
// whether the host exited, crashed, was killed or had its process tree killed by the hang detector.
using System.Diagnostics;

namespace Pooler.TestSupport;

/// <summary>The watchdog blocks reading a pipe whose write end only this process holds (the runtime opens it
/// close-on-exec, so no other child inherits it). When that end closes, for whatever reason, the read sees EOF
/// and the watchdog stops postgres (fast, then immediate, then kill) and removes the directory. It runs in its
/// own session after a fork (`setsid -f`), so neither Ctrl-C's process-group signal nor a process-tree kill of
/// the test host reaches it.</summary>
internal sealed class PostgresWatchdog
{
    private const string Script = """
        exec 2>/dev/null
        trap '' INT TERM HUP QUIT PIPE
        dir="$1"
        case "$dir" in /tmp/pooler-pg-*) ;; *) exit 1 ;; esac
        while read -r _; do :; done
        # A zombie counts as gone: once orphaned, nobody may reap it promptly.
        alive() { state=$(cut -d ' ' -f 3 "/proc/$1/stat" 2>/dev/null); [ -n "$state" ] && [ "$state" != Z ]; }
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
        if [ -n "$pid" ]; then
          for sig in INT QUIT KILL; do
            alive "$pid" || break
            kill -s "$sig" "$pid" 2>/dev/null
            for _ in $(seq 1 100); do alive "$pid" || break 2; sleep 0.1; done
          done
        fi
        # A postmaster that was SIGKILLed (a process-tree kill) leaves its pid file and SysV segment behind.
        shmid=$(sed -n 7p "$dir/data/postmaster.pid" 2>/dev/null | awk '{print $2}')
        [ -n "$shmid" ] && ipcrm -m "$shmid"
        rm -rf -- "$dir"
        """;

    private readonly Process _process;

    private PostgresWatchdog(Process process, Task finished)
    {
        _process = process;
        Finished = finished;
    }

    /// <summary>Completes when the watchdog process has exited (its inherited stdout pipe reaches EOF).</summary>
    public Task Finished { get; }

    public static PostgresWatchdog Start(string directory)
    {
        var psi = ProcessRunner.CreateStartInfo("setsid", ["-f", "bash", "-c", Script, "pooler-pg-watchdog", directory]);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardError = false;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the watchdog.");
        return new PostgresWatchdog(process, process.StandardOutput.ReadToEndAsync());
    }

    /// <summary>Closes our end of the pipe: the watchdog cleans up whatever is still there and exits.</summary>
    public Task ReleaseAsync()
    {
        _process.StandardInput.Close();
        return Finished;
    }
}
