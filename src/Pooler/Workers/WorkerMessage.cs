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
}
