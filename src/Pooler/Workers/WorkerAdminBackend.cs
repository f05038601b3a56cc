// The admin backend of a worker: snapshots cover every worker (fan-out through the supervisor and merge); commands
// go through the supervisor to every worker (WorkerAdminBackend.Commands.cs).
using System.Text.Json;
using Pooler.Management;

namespace Pooler.Workers;

/// <summary>
/// An admin client lands on one worker; what it reads must describe the pooler, not that worker. Requests go to the
/// supervisor, which asks every live worker for its local snapshot (JSON in pieces that fit one channel message)
/// and forwards the pieces here; they are merged with <see cref="SharedStatsMerge"/>, which takes pool counters from
/// shared memory. A worker that does not answer in <see cref="Timeout"/> is left out (its row in <c>Workers</c> says
/// so by its absence), but its pool counters are not.
/// </summary>
internal sealed partial class WorkerAdminBackend(LocalAdminBackend local, WorkerLink link, Hosting.PoolerRuntime rt,
    Shared.SharedStatsTable stats) : IAdminBackend
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Largest piece of JSON per message (the channel takes 64 KiB per message).</summary>
    public const int PieceSize = 60 * 1024;

    private readonly Dictionary<int, Gathering> _pending = [];
    private int _nextId;

    public LocalAdminBackend Local => local;

    public async Task<AdminSnapshot> GetSnapshotAsync()
    {
        var gathering = await rt.Engine.RunAsync(() =>
        {
            var id = ++_nextId;
            var g = new Gathering(id);
            _pending[id] = g;
            _ = link.SendAsync(WorkerMessage.Snapshot, BitConverter.GetBytes(id));
            return Task.FromResult(g);
        });
        try
        {
            await gathering.Done.Task.WaitAsync(Timeout, rt.Engine.TimeProvider);
        }
        catch (TimeoutException)
        {
            rt.Log.Warning("admin: not every worker answered the snapshot request in {Timeout}", Timeout);
        }
        var parts = await rt.Engine.RunAsync(() =>
        {
            _pending.Remove(gathering.Id);
            return Task.FromResult(gathering.Snapshots.ToList());
        });
        if (parts.Count == 0)
            parts = [await local.GetSnapshotAsync()];
        // Pool counters from shared memory: a worker that died still counts (SharedStatsMerge).
        return SharedStatsMerge.Merge(parts, stats.Sum(), rt.Config);
    }


    /// <summary>Loop thread: the supervisor asks for this worker's snapshot on behalf of <paramref name="origin"/>.</summary>
    public async Task AnswerAsync(int id, byte origin)
    {
        var snapshot = await local.GetSnapshotAsync();
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, SnapshotJson.Default.AdminSnapshot);
        for (var offset = 0; offset == 0 || offset < json.Length; offset += PieceSize)
        {
            var length = Math.Min(PieceSize, json.Length - offset);
            var last = offset + length >= json.Length;
            var message = new byte[6 + length];
            BitConverter.TryWriteBytes(message, id);
            message[4] = origin;
            message[5] = last ? (byte)1 : (byte)0;
            json.AsSpan(offset, length).CopyTo(message.AsSpan(6));
            await link.SendAsync(WorkerMessage.SnapshotPart, message);
            if (last)
                break;
        }
    }

    /// <summary>Loop thread: how many workers the supervisor asked.</summary>
    public void OnCount(int id, int count)
    {
        if (_pending.TryGetValue(id, out var g))
        {
            g.Expected = count;
            g.CheckDone();
        }
    }

    /// <summary>Loop thread: a piece of <paramref name="source"/>'s snapshot.</summary>
    public void OnPart(int id, byte source, bool last, ReadOnlySpan<byte> data)
    {
        if (!_pending.TryGetValue(id, out var g))
            return;
        if (!g.Buffers.TryGetValue(source, out var buffer))
            g.Buffers[source] = buffer = new MemoryStream();
        buffer.Write(data);
        if (!last)
            return;
        try
        {
            if (JsonSerializer.Deserialize(buffer.ToArray(), SnapshotJson.Default.AdminSnapshot) is { } snapshot)
                g.Snapshots.Add(snapshot);
        }
        catch (JsonException ex)
        {
            rt.Log.Warning("admin: worker {Worker} sent an unreadable snapshot: {Error}", source, ex.Message);
        }
        g.Buffers.Remove(source);
        g.Answered++;
        g.CheckDone();
    }

    private sealed class Gathering(int id)
    {
        public int Id { get; } = id;
        public int Expected { get; set; } = -1;
        public int Answered { get; set; }
        public Dictionary<byte, MemoryStream> Buffers { get; } = [];
        public List<AdminSnapshot> Snapshots { get; } = [];
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void CheckDone()
        {
            if (Expected >= 0 && Answered >= Expected)
                Done.TrySetResult();
        }
    }
}
