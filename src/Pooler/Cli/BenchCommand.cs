// `pooler bench`: a pgbench-style load generator on the pooler's own client path (Pooler.Io + Pooler.Protocol).
using System.Runtime.InteropServices;
using Pooler.Bench;

namespace Pooler.Cli;

/// <summary>Parses the options, loads the script, and runs either the initialisation (-i) or the benchmark.</summary>
public sealed class BenchCommand : ICommand
{
    public string Name => "bench";

    public IReadOnlyList<string> Synopsis => ["bench [OPTIONS] [DBNAME]", "bench -i [-s SCALE] [DBNAME]"];

    public string Summary => "Load test PostgreSQL or a pooler, pgbench-style";

    public string Help => """
        Usage: pooler bench [OPTIONS] [DBNAME]
               pooler bench -i [-s SCALE] [CONNECTION OPTIONS] [DBNAME]

        Connection (defaults from PGHOST, PGPORT, PGUSER, PGDATABASE; password from PGPASSWORD or ~/.pgpass):
          -h, --host HOST          host name or IP, or a unix socket directory when it starts with /
          -p, --port PORT          port (5432)
          -U, --username USER      user name
          -d, --dbname DB          database (also the last argument)
        Initialisation:
          -i, --initialize         create and fill pgbench's tables (server-side generate_series)
          -s, --scale N            scale factor: 100,000 accounts each (with -i; or overrides :scale in a run)
        Benchmark:
          -c, --client N           concurrent clients (1)
          -j, --jobs N             threads, one event loop each; clients are spread over them (1)
          -T, --time SECONDS       run for this long ...
          -t, --transactions N     ... or this many transactions per client (10)
          -C, --connect            open a new connection for every transaction
          -M, --mode MODE          simple | extended | prepared (simple)
          -b, --builtin NAME       tpcb-like | simple-update | select-only (select-only); -S = select-only
          -f, --file FILE          custom script: SQL ending in ';', \set NAME EXPR, \sleep N [us|ms|s]
          -R, --rate TPS           target rate over all clients (Poisson schedule; latency includes lag)
          -P, --progress SECONDS   progress line on stderr every SECONDS
              --json               final report as JSON on stdout
              --io-backend NAME    auto | io_uring | epoll | portable (auto)
        Ctrl-C stops the run and prints the report so far.
        Exit codes: 0 run completed (failed transactions included), 1 could not connect or initialise,
        2 bad arguments or some clients aborted (lost connection, script error).
        See docs/bench-tool.md for the script language and the differences from pgbench.

        """;

    public async Task<int> ExecuteAsync(IReadOnlyList<string> args, CommandContext context)
    {
        var (options, error) = BenchArgs.Parse(args, context.GetEnvironmentVariable);
        if (options is null)
            return CommandLine.UsageError(context, "bench: " + error);

        BenchScript? script = null;
        var builtin = options.ScriptFile is null;
        if (!options.Initialize)
        {
            string text, name;
            if (options.ScriptFile is { } file)
            {
                if (!File.Exists(file))
                    return CommandLine.UsageError(context, $"bench: script file '{file}' not found");
                text = await File.ReadAllTextAsync(file);
                name = file;
            }
            else
            {
                text = BuiltinScripts.Text(options.Builtin);
                name = options.Builtin;
            }
            (script, var scriptError) = ScriptParser.Parse(name, text);
            if (script is null)
                return CommandLine.UsageError(context, $"bench: {name}: {scriptError}");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        // The first Ctrl-C stops the run and prints the report; the handler keeps the default (kill) away meanwhile.
        using var sigint = context.HandleSignals ? Io.Signals.Register(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        }) : null;

        var (endPoint, resolveError) = await BenchEndPoint.ResolveAsync(options, stop.Token);
        if (endPoint is null)
        {
            await context.Error.WriteLineAsync($"pooler bench: {resolveError}");
            return ExitCodes.Failure;
        }
        try
        {
            if (options.Initialize)
                return await BenchInit.RunAsync(options, endPoint, context.Error, stop.Token);
            var (exitCode, _) = await BenchRunner.RunAsync(options, script!, endPoint, builtin, context.Out, context.Error, stop.Token);
            return exitCode;
        }
        catch (NotSupportedException e)
        {
            // An explicit --io-backend the system refuses (io_uring disabled, no epoll).
            await context.Error.WriteLineAsync($"pooler bench: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
