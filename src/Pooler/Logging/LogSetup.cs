// Builds the process logger from [pooler] options: stderr always, plus logfile when set; connection id first.
using Pooler.Config;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Pooler.Logging;

/// <summary>
/// Creates Serilog loggers. Code that serves one connection logs through <c>log.ForContext("Conn", id)</c>; the
/// id is then printed right after the level, so grepping one connection's story is one grep.
/// </summary>
public static class LogSetup
{
    /// <summary>Name of the property that carries the connection id.</summary>
    public const string ConnProperty = "Conn";

    /// <summary>Name of the property a worker process puts on every event it logs (its worker id).</summary>
    public const string WorkerProperty = "Worker";

    /// <summary>Line layout shared by every sink. ConnPrefix is "conn-id " and/or "wN " (worker N), or nothing
    /// (see <see cref="ConnPrefixEnricher"/>).</summary>
    public const string OutputTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {ConnPrefix:l}{Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// A logger at the options' log_level that writes to <paramref name="output"/> (default: the console's
    /// stderr, coloured when it is a terminal) and appends to logfile when one is set. Dispose it to flush and
    /// close the file. <paramref name="levelSwitch"/> lets a reload change the level of a running logger.
    /// <paramref name="worker"/>: the id of the worker process this logger belongs to; every line then names it
    /// (workers share the supervisor's stderr and logfile).
    /// </summary>
    public static Logger Create(PoolerOptions options, TextWriter? output = null, LoggingLevelSwitch? levelSwitch = null,
        int? worker = null)
    {
        levelSwitch ??= new LoggingLevelSwitch(ToSerilogLevel(options.LogLevel));
        levelSwitch.MinimumLevel = ToSerilogLevel(options.LogLevel);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(levelSwitch);
        if (worker is { } id)
            configuration = configuration.Enrich.WithProperty(WorkerProperty, id);
        configuration = configuration.Enrich.With<ConnPrefixEnricher>();

        configuration = output is null
            ? configuration.WriteTo.Console(outputTemplate: OutputTemplate, standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            : configuration.WriteTo.Sink(new TextWriterLogSink(output, Formatter(), ownsWriter: false));

        if (options.LogFile is not null)
            configuration = configuration.WriteTo.Sink(TextWriterLogSink.ForFile(options.LogFile, Formatter()));
        return configuration.CreateLogger();
    }

    /// <summary>The Serilog level for a log_level option.</summary>
    public static LogEventLevel ToSerilogLevel(PoolerLogLevel level) => level switch
    {
        PoolerLogLevel.Verbose => LogEventLevel.Verbose,
        PoolerLogLevel.Debug => LogEventLevel.Debug,
        PoolerLogLevel.Info => LogEventLevel.Information,
        PoolerLogLevel.Warning => LogEventLevel.Warning,
        _ => LogEventLevel.Error,
    };

    private static MessageTemplateTextFormatter Formatter() =>
        new(OutputTemplate, System.Globalization.CultureInfo.InvariantCulture);
}
