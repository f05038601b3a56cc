// What every client of a run reads: options, script, where to connect, and when to stop.
using System.Net;

namespace Pooler.Bench;

public sealed class BenchRunContext(BenchOptions options, BenchScript script, EndPoint endPoint, long scale, CancellationToken stop)
{
    /// <summary>Connect-and-login limit per connection.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public BenchOptions Options { get; } = options;

    public BenchScript Script { get; } = script;

    public EndPoint EndPoint { get; } = endPoint;

    public long Scale { get; } = scale;

    /// <summary>Hard stop (Ctrl-C): in-flight connections are aborted and their transactions not counted.</summary>
    public CancellationToken Stop { get; } = stop;

    /// <summary>With -T: no transaction starts after this instant (ns, <see cref="BenchClock"/>).</summary>
    public long? DeadlineNs { get; set; }
}
