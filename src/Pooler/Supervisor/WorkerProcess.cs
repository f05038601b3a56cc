// One worker slot of the supervisor: the child process, its socketpair link, and its restarts.
using System.Diagnostics;
using Pooler.Io;
using Pooler.Workers;

namespace Pooler.Supervisor;

/// <summary>A worker slot; the process in it changes on every restart. Loop thread only.</summary>
internal sealed class WorkerProcess(int id)
{
    public int Id { get; } = id;

    public Process? Process { get; private set; }

    public WorkerLink? Link { get; private set; }

    /// <summary>True once the worker said it runs (its loop reads the channel).</summary>
    public bool Ready { get; set; }

    /// <summary>Started and not known dead.</summary>
    public bool Alive => Link is { Closed: false } && Process is not null;

    public RestartBackoff Backoff { get; } = RestartBackoff.FromEnvironment();

    /// <summary>How many times a process was started in this slot (restarts = this − 1; `pooler admin workers`).</summary>
    public int Starts { get; private set; }

    /// <summary>Clients handed to the current process (its live sessions = this − the ended count it publishes).</summary>
    public int Handed { get; set; }

    /// <summary>Start the worker process with a fresh socketpair; the child inherits its end as an fd number.</summary>
    public void Start(IoEngine engine, Func<int, WorkerArgs> argsFor)
    {
        FdChannel.CreatePair(out var mine, out var theirs);
        FdChannel.AllowInherit(theirs);
        try
        {
            var args = argsFor(theirs);
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
                psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pooler.dll"));
            foreach (var a in args.ToArgs())
                psi.ArgumentList.Add(a);
            Process = Process.Start(psi)!;
        }
        finally
        {
            IoEngine.CloseFd(theirs);
        }
        Link = new WorkerLink(engine.OpenFdChannel(mine));
        Ready = false;
        Starts++;
    }

    /// <summary>The process died (or its channel closed): drop the link.</summary>
    public void Reset()
    {
        Link?.Dispose();
        Link = null;
        Ready = false;
        try
        {
            if (Process is { HasExited: false } p)
                p.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        Process?.Dispose();
        Process = null;
    }
}
