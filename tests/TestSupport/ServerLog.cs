// Collects the postmaster's stderr into a file and a short in-memory tail, and signals readiness from it.
namespace Pooler.TestSupport;

internal sealed class ServerLog : IDisposable
{
    private const int TailLines = 200;
    private const string ReadyMarker = "database system is ready to accept connections";

    private readonly object _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly StreamWriter _file;
    private TaskCompletionSource _ready = NewReady();

    public ServerLog(string path)
    {
        Path = path;
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string Path { get; }

    /// <summary>Completes when the current postmaster logs that it accepts connections (lc_messages is C, so the
    /// English text is reliable).</summary>
    public Task Ready
    {
        get
        {
            lock (_gate)
                return _ready.Task;
        }
    }

    /// <summary>Arms a new readiness signal before a (re)start.</summary>
    public void ResetReady()
    {
        lock (_gate)
            _ready = NewReady();
    }

    public void Append(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
                _tail.Dequeue();
            try
            {
                _file.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // A last line after disposal: the tail still has it.
            }
            if (line.Contains(ReadyMarker, StringComparison.Ordinal))
                _ready.TrySetResult();
        }
    }

    public string Tail()
    {
        lock (_gate)
            return string.Join('\n', _tail);
    }

    public bool Contains(string text)
    {
        lock (_gate)
            return _tail.Any(line => line.Contains(text, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        lock (_gate)
            _file.Dispose();
    }

    private static TaskCompletionSource NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
