// A Serilog sink that keeps rendered log lines, so tests can assert that a reason was logged.
using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Pooler.Tests.Functional;

internal sealed class CollectingSink : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    /// <summary>When set (POOLER_TEST_LOGS), every line is also appended here as it is logged.</summary>
    public string? LiveFile { get; set; }

    public void Emit(LogEvent logEvent)
    {
        var conn = logEvent.Properties.TryGetValue("Conn", out var c) ? c.ToString().Trim('"') + " " : "";
        var line = $"{logEvent.Timestamp:HH:mm:ss.fff} {logEvent.Level} {conn}{logEvent.RenderMessage()}";
        if (logEvent.Exception is not null)
            line += " " + logEvent.Exception;
        _lines.Enqueue(line);
        if (LiveFile is { } file)
        {
            lock (_lines)
                File.AppendAllText(file, line + Environment.NewLine);
        }
        if (_lines.Count > 20_000)
            _lines.TryDequeue(out _);
    }

    public bool Contains(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
}
