// Writes log lines to a TextWriter: the logfile (owned, closed with the logger) or a caller's writer (tests, CLI).
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Pooler.Logging;

/// <summary>A minimal synchronised sink. For the logfile it appends without rolling: logrotate's copytruncate
/// suffices for a pooler, and it avoids another package.</summary>
internal sealed class TextWriterLogSink(TextWriter writer, ITextFormatter formatter, bool ownsWriter) : ILogEventSink, IDisposable
{
    private readonly Lock _lock = new();

    /// <summary>A sink appending to a file, shared so that tail and logrotate can open it too.</summary>
    public static TextWriterLogSink ForFile(string path, ITextFormatter formatter)
    {
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new TextWriterLogSink(new StreamWriter(stream) { AutoFlush = true }, formatter, ownsWriter: true);
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }

    public void Dispose()
    {
        if (!ownsWriter)
            return;
        lock (_lock)
            writer.Dispose();
    }
}
