// Options a running pooler cannot change on reload (sockets bound, processes started, files opened at start).
using Pooler.Config;

namespace Pooler.Hosting;

internal static class RestartOnlyOptions
{
    /// <summary>The names (as in the file) of the restart-only options whose value differs.</summary>
    public static IReadOnlyList<string> Changed(PoolerOptions old, PoolerOptions now)
    {
        var changed = new List<string>();
        void Check(string name, bool same)
        {
            if (!same)
                changed.Add(name);
        }
        Check("listen_addr", old.ListenAddr.SequenceEqual(now.ListenAddr));
        Check("listen_port", old.ListenPort == now.ListenPort);
        Check("tcp_defer_accept", old.TcpDeferAccept == now.TcpDeferAccept);
        Check("unix_socket_dir", old.UnixSocketDir == now.UnixSocketDir);
        Check("unix_socket_mode", old.UnixSocketMode == now.UnixSocketMode);
        Check("workers", old.Workers == now.Workers);
        Check("workers_accept", old.WorkersAccept == now.WorkersAccept);
        Check("ev_backend", old.EvBackend == now.EvBackend);
        Check("logfile", old.LogFile == now.LogFile);
        Check("log_level", old.LogLevel == now.LogLevel);
        Check("pidfile", old.PidFile == now.PidFile);
        Check("management_socket", old.ManagementSocket == now.ManagementSocket);
        Check("management_port", old.ManagementPort == now.ManagementPort);
        Check("metrics_port", old.MetricsPort == now.MetricsPort);
        Check("metrics_addr", old.MetricsAddr == now.MetricsAddr);
        return changed;
    }

    /// <summary><paramref name="now"/> with the restart-only options put back to their values in force, so what the
    /// runtime reports (SHOW CONFIG) is what it does.</summary>
    public static PoolerOptions KeepInForce(PoolerOptions old, PoolerOptions now) => now with
    {
        ListenAddr = old.ListenAddr,
        ListenPort = old.ListenPort,
        TcpDeferAccept = old.TcpDeferAccept,
        UnixSocketDir = old.UnixSocketDir,
        UnixSocketMode = old.UnixSocketMode,
        Workers = old.Workers,
        WorkersAccept = old.WorkersAccept,
        EvBackend = old.EvBackend,
        LogFile = old.LogFile,
        LogLevel = old.LogLevel,
        PidFile = old.PidFile,
        ManagementSocket = old.ManagementSocket,
        ManagementPort = old.ManagementPort,
        MetricsPort = old.MetricsPort,
        MetricsAddr = old.MetricsAddr,
    };
}
