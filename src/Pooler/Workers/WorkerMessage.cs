// The first byte of every message on a supervisor ↔ worker socketpair, and how the rest is laid out.
namespace Pooler.Workers;

/// <summary>
/// Messages are SOCK_SEQPACKET datagrams: one kind byte, then a payload. Supervisor → worker: <see cref="Client"/>
/// (carries the client's fd; payload = the bytes already read from it), <see cref="Reload"/>, <see cref="Stop"/>,
/// <see cref="FastStop"/>, <see cref="Wake"/>, <see cref="Evict"/> (payload = the shared-counter key). Worker →
/// supervisor: <see cref="Wake"/> and <see cref="Evict"/> with an 8-byte worker mask first (the supervisor forwards
/// them to the workers named), <see cref="Ready"/> once the worker accepts clients.
/// </summary>
internal enum WorkerMessage : byte
{
    Client = (byte)'C',
    Reload = (byte)'R',
    Stop = (byte)'T',
    FastStop = (byte)'I',
    Wake = (byte)'W',
    Evict = (byte)'E',
    Ready = (byte)'Y',

    /// <summary>Worker → supervisor: the admin RELOAD command: reload the whole tree (as SIGHUP).</summary>
    ReloadAll = (byte)'H',

    /// <summary>Worker → supervisor: the admin SHUTDOWN command; payload: 1 byte, 1 = graceful.</summary>
    ShutdownAll = (byte)'D',

    /// <summary>Worker → supervisor: snapshot request (int id); supervisor → every worker: (int id, byte origin).</summary>
    Snapshot = (byte)'S',

    /// <summary>A piece of one worker's JSON snapshot: (int id, byte worker, byte last, bytes). To the supervisor the
    /// worker byte is the origin; the supervisor forwards it to the origin with the worker byte set to the source.</summary>
    SnapshotPart = (byte)'P',

    /// <summary>Supervisor → origin: (int id, int count): how many workers were asked.</summary>
    SnapshotCount = (byte)'N',

    /// <summary>An admin command as JSON (<see cref="WorkerAdminRequest"/>) after an int request id. Supervisor →
    /// worker: apply it to this worker. Worker → supervisor: an admin console typed it; apply it to every worker.</summary>
    AdminCommand = (byte)'K',

    /// <summary>The answer to <see cref="AdminCommand"/>: int request id, then an <see cref="Management.AdminResult"/>
    /// as JSON; worker → supervisor for one worker's part, supervisor → worker for the merged result.</summary>
    AdminResult = (byte)'Q',

    /// <summary>Supervisor → a worker it has just started, before any client: the admin state to restore (PAUSE,
    /// DISABLE, SET... accepted while it was not running), as a JSON array of <see cref="Management.AdminCommand"/>.</summary>
    State = (byte)'A',

    /// <summary>Supervisor → worker (workers_accept): carries one of the worker's own SO_REUSEPORT listening sockets;
    /// no payload. The worker accepts clients from it until it stops.</summary>
    Listener = (byte)'L',

    /// <summary>A CancelRequest that reached a worker not owning its key: (int process id, secret key bytes). Worker →
    /// supervisor, which forwards it unchanged to the worker the key names (its low byte); that worker cancels.</summary>
    Cancel = (byte)'X',

    /// <summary>A pool's server ParameterStatus set (<see cref="ServerParametersMessage"/>). Worker → supervisor when its
    /// first login of the pool saw it; supervisor → every other worker, and to a worker it (re)starts.</summary>
    ServerParameters = (byte)'V',
}
