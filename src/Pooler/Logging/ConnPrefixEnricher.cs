// Renders the connection id as a "c42 " prefix when an event has one, so lines without it carry no gap.
using Serilog.Core;
using Serilog.Events;

namespace Pooler.Logging;

/// <summary>Adds ConnPrefix = "&lt;Conn&gt; " to events that carry a Conn property, and "" to the others.</summary>
public sealed class ConnPrefixEnricher : ILogEventEnricher
{
    private static readonly LogEventProperty Empty = new("ConnPrefix", new ScalarValue(""));

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (!logEvent.Properties.TryGetValue(LogSetup.ConnProperty, out var conn))
        {
            logEvent.AddPropertyIfAbsent(Empty);
            return;
        }
        var text = conn is ScalarValue { Value: var value } ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : conn.ToString();
        logEvent.AddPropertyIfAbsent(new LogEventProperty("ConnPrefix", new ScalarValue(text + " ")));
    }
}
