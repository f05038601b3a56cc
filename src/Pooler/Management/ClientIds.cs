// Client ids that are unique across workers: SHOW CLIENTS id, KILL_CLIENT's argument, `pooler admin kill-client`.
namespace Pooler.Management;

/// <summary>
/// Each worker numbers its sessions from 1, so the shown id carries the worker in its high 32 bits; with
/// workers = 0 (and on worker 0) it is the plain session number. The supervisor routes KILL_CLIENT by it.
/// </summary>
internal static class ClientIds
{
    public static long Global(int worker, long local) => ((long)worker << 32) | (local & 0xFFFF_FFFF);

    public static int WorkerOf(long global) => (int)(global >> 32);

    public static long LocalOf(long global) => global & 0xFFFF_FFFF;
}
