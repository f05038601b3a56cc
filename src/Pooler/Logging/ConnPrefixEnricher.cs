// Renders the connection id (and in a worker process the worker id) as a "c42 w1 " prefix, so lines without them
// carry no gap.
using Serilog.Core;
using Serilog.Events;

namespace Pooler.Logging;

/// <summary>Adds ConnPrefix = "&lt;Conn&gt; " and/or "w&lt;Worker&gt; " (connection first, so one connection's story
/// is still one grep) to every event; "" when the event has neither property.</summary>
public sealed class ConnPrefixEnricher : ILogEventEnricher
{
    private static readonly LogEventProperty Empty = new("ConnPrefix", new ScalarValue(""));

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        var hasConn = logEvent.Properties.TryGetValue(LogSetup.ConnProperty, out var conn);
        var hasWorker = logEvent.Properties.TryGetValue(LogSetup.WorkerProperty, out var worker);
        if (!hasConn && !hasWorker)
        {
            logEvent.AddPropertyIfAbsent(Empty);
            return;
        }
        var text = (hasConn ? Text(conn!) + " " : "") + (hasWorker ? "w" + Text(worker!) + " " : "");
        logEvent.AddPropertyIfAbsent(new LogEventProperty("ConnPrefix", new ScalarValue(text)));
    }

    private static string? Text(LogEventPropertyValue value) =>
        value is ScalarValue { Value: var v } ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : value.ToString();
}
